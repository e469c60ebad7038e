import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { UndecryptableEventError } from '../personal-data/index.js';
import { openDatabase, type DatabaseConnection } from '../read-store/connection.js';
import { describeFault } from './fault.js';

describe('describeFault', () => {
  let connection: DatabaseConnection;
  beforeAll(async () => {
    connection = await openDatabase({ kind: 'embedded', dataDir: null });
  });
  afterAll(async () => connection.close());

  it('gives a database error as its class and SQLSTATE, never its message (which quotes the value)', async () => {
    const secret = 'Quarrington-Vex';
    const error = await sql`SELECT ${secret}::int`.execute(connection.db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(error)).toContain(secret); // the driver's message does quote it
    const described = describeFault(error);
    expect(described).toMatch(/\(SQLSTATE [0-9A-Z]{5}\)$/);
    expect(described).not.toContain('Quar');
  });

  it('gives an undecryptable event as its code, id and reason', () => {
    const described = describeFault(
      new UndecryptableEventError('0b7c6f0e-7d43-4a55-9d0c-6f1f1c2a9e11', 'authentication_failed'),
    );
    expect(described).toBe(
      'UndecryptableEventError (personal_data_undecryptable): the personal fields of event 0b7c6f0e-7d43-4a55-9d0c-6f1f1c2a9e11 cannot be decrypted (authentication failed)',
    );
  });

  it('gives other errors as class and message', () => {
    expect(describeFault(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(describeFault(42)).toBe('unknown error');
  });
});
