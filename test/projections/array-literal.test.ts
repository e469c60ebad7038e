import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { arrayLiteral } from '../../libs/projection-engine/sql-io.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { testDatabaseUrl } from '../support/databases.js';

// Values a projection may write into a text column: quotes, backslashes, the array syntax's own
// characters, the word NULL, empty and blank strings, newlines, tabs, non-ASCII, JSON.
const tricky: (string | null)[] = [
  'plain',
  '',
  ' ',
  'NULL',
  null,
  'a,b',
  '{x}',
  'say "hi"',
  'C:\\path\\to',
  '\\"',
  '"',
  '\\',
  'line\nbreak\ttab\r',
  'naïve 😀 — ünïcödé',
  JSON.stringify({ note: 'he said "no"\\', list: [1, null, 'x'] }),
  'trailing\\',
];

async function roundTrip(connection: DatabaseConnection): Promise<(string | null)[]> {
  const literal = arrayLiteral(tricky.map((v) => [v]), 0);
  const { rows } = await sql<{ v: string | null }>`SELECT u.v FROM unnest(CAST(${literal} AS text[])) WITH ORDINALITY AS u(v, n) ORDER BY u.n`.execute(connection.db);
  return rows.map((r) => r.v);
}

describe('arrayLiteral: one column bound as one PostgreSQL array literal', () => {
  const connections: DatabaseConnection[] = [];
  beforeAll(async () => {
    connections.push(await openDatabase({ kind: 'embedded', dataDir: null }));
    connections.push(await openDatabase({ kind: 'server', url: testDatabaseUrl }));
  }, 60_000);
  afterAll(async () => {
    for (const c of connections) await c.close();
  });

  it('gives back every value exactly, nulls as nulls, on PGlite and on the server', async () => {
    for (const connection of connections) expect(await roundTrip(connection)).toEqual(tricky);
  });

  it('picks the column and keeps the row order', () => {
    expect(arrayLiteral([['a', '1'], [null, '2'], ['c"', null]], 0)).toBe('{"a",NULL,"c\\""}');
    expect(arrayLiteral([['a', '1'], [null, '2'], ['c"', null]], 1)).toBe('{"1","2",NULL}');
    expect(arrayLiteral([], 0)).toBe('{}');
  });
});
