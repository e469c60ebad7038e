import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { verifyIntegrity, type EventStore } from '../../libs/event-store/index.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';

describe.each(['embedded', 'server'] as const)('tamper evidence of the PostgreSQL event log [%s]', (kind) => {
  let connection: DatabaseConnection;
  let db: Kysely<unknown>;
  let store: EventStore;
  const schema = uniqueName('es_integrity');

  beforeAll(async () => {
    connection =
      kind === 'server'
        ? await openDatabase({ kind: 'server', url: testDatabaseUrl })
        : await openDatabase({ kind: 'embedded', dataDir: null });
    db = connection.db;
    store = await createPostgresEventStore({ connection, schema });
  });
  afterAll(async () => {
    if (kind === 'server') await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await connection?.close();
  });

  const events = sql.id(schema, 'events');
  const append = (stream: string, n: number) =>
    store.appendToStream(
      stream,
      Array.from({ length: n }, (_, i) => ({
        id: randomUUID(),
        type: 'Noted',
        data: { i, note: `entry ${i}` },
        metadata: { by: 'k1' },
      })),
    );
  const check = async () => verifyIntegrity(store, (await store.streamHeads?.()) ?? []);

  it('an untouched log is clean, and every event carries a hash chained to the previous one', async () => {
    await append('alpha', 3);
    await append('alpha', 2);
    await append('beta', 4);
    await append('gamma', 3);
    await append('delta', 3);
    const report = await check();
    expect(report).toMatchObject({ clean: true, problems: [], streams: 4, events: 15 });
    const stored = await store.readStream('alpha');
    expect(new Set(stored.map((e) => e.hash)).size).toBe(5);
  });

  it('reports an event whose data was altered in SQL, with its stream and revision', async () => {
    await sql`UPDATE ${events} SET data = jsonb_set(data::jsonb, '{note}', '"rewritten"') WHERE stream_id = 'alpha' AND revision = 3`.execute(
      db,
    );
    const report = await check();
    expect(report.clean).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ stream: 'alpha', revision: '3', kind: 'altered' })]);
  });

  it('reports a deleted event, in the middle and at the end of a stream', async () => {
    await sql`DELETE FROM ${events} WHERE stream_id = 'beta' AND revision = 1`.execute(db);
    await sql`DELETE FROM ${events} WHERE stream_id = 'gamma' AND revision = 2`.execute(db);
    const problems = (await check()).problems.filter((p) => p.stream !== 'alpha');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stream: 'beta', revision: '2', kind: 'removed' }),
        expect.objectContaining({ stream: 'gamma', revision: '2', kind: 'removed' }),
      ]),
    );
  });

  it('reports two events whose revisions were swapped', async () => {
    await sql`UPDATE ${events} SET revision = -1 WHERE stream_id = 'delta' AND revision = 0`.execute(db);
    await sql`UPDATE ${events} SET revision = 0 WHERE stream_id = 'delta' AND revision = 1`.execute(db);
    await sql`UPDATE ${events} SET revision = 1 WHERE stream_id = 'delta' AND revision = -1`.execute(db);
    const problems = (await check()).problems.filter((p) => p.stream === 'delta');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['reordered']));
  });
});
