import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { canonicalJson, verifyIntegrity, type EventToAppend } from '../../libs/event-store/index.js';
import { commitBatch, prepareAppend } from '../../libs/event-store/postgres/append.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { migrateEventStore } from '../../libs/event-store/postgres/schema.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';

/**
 * Migration 0007: a new log stores data and metadata as `json`, the very text each hash was taken
 * over; a log that held events before it keeps `jsonb` and goes on working (append-function.ts,
 * `EventBodyType`).
 */
describe.each(['embedded', 'server'] as const)('the type of the log’s data and metadata [%s]', (kind) => {
  const connections: DatabaseConnection[] = [];
  const schemas: string[] = [];
  afterAll(async () => {
    for (const connection of connections) await connection.close();
    if (kind === 'server') for (const schema of schemas) await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  const open = async () => {
    const connection =
      kind === 'server'
        ? await openDatabase({ kind: 'server', url: testDatabaseUrl })
        : await openDatabase({ kind: 'embedded', dataDir: null });
    connections.push(connection);
    const schema = uniqueName('es_body');
    schemas.push(schema);
    return { db: connection.db, connection, schema };
  };
  const columnTypes = async (db: Kysely<unknown>, schema: string) => {
    const { rows } = await sql<{ attname: string; type: string }>`
      SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
      WHERE a.attrelid = ${`"${schema}".events`}::regclass AND a.attname IN ('data', 'metadata') ORDER BY a.attname`.execute(
      db,
    );
    return Object.fromEntries(rows.map((r) => [r.attname, r.type]));
  };
  const event = (i: number): EventToAppend => ({
    id: randomUUID(),
    type: 'Noted',
    // keys out of order, nested, unicode: the stored text is still the canonical one
    data: { z: i, a: { y: [1, { c: true, b: null }], x: 'é “quoted” \\ \n' } },
    metadata: { by: 'k1', at: '2026-12-01T00:00:00.000Z' },
  });

  it('a new log stores the canonical text its hash was taken over', async () => {
    const { db, connection, schema } = await open();
    const store = await createPostgresEventStore({ connection, schema });
    expect(await columnTypes(db, schema)).toEqual({ data: 'json', metadata: 'json' });

    const events = [event(0), event(1)];
    await store.appendToStream('alpha', events);
    const { rows } = await sql<{ data: string; metadata: string; hash: string; type: string }>`
      SELECT data::text AS data, metadata::text AS metadata, hash, type FROM ${sql.id(schema, 'events')}
      ORDER BY position`.execute(db);
    let previous = '';
    rows.forEach((row, i) => {
      expect(row.data).toBe(canonicalJson(events[i]!.data));
      expect(row.metadata).toBe(canonicalJson(events[i]!.metadata));
      // the stored text alone proves the chain: no canonicalisation needed to check it
      const hash = createHash('sha256').update(`${previous}\n${row.type}\n${row.data}\n${row.metadata}`).digest('hex');
      expect(row.hash).toBe(hash);
      previous = hash;
    });
    const read = await store.readStream('alpha');
    expect(read.map((e) => [e.id, e.data, e.metadata])).toEqual(events.map((e) => [e.id, e.data, e.metadata]));
    expect(await verifyIntegrity(store, (await store.streamHeads?.()) ?? [])).toMatchObject({ clean: true, events: 2 });
  });

  it('a log that held events before migration 0007 keeps jsonb, and appends and reads as before', async () => {
    const { db, connection, schema } = await open();
    await migrateEventStore(db, schema, '0006_append_batch_probes_existing_streams');
    const before = [event(0), event(1)];
    // appended by the append function of that version
    await commitBatch(db, schema, [[prepareAppend({ stream: 'alpha', events: before })]]);
    expect(await columnTypes(db, schema)).toEqual({ data: 'jsonb', metadata: 'jsonb' });

    const store = await createPostgresEventStore({ connection, schema });
    expect(await columnTypes(db, schema)).toEqual({ data: 'jsonb', metadata: 'jsonb' });
    const after = [event(2)];
    await store.appendToStream('alpha', after, { expectedRevision: 1n });
    await store.appendToStream('beta', [event(3)]);
    const read = await store.readStream('alpha');
    expect(read.map((e) => [e.id, e.data, e.metadata])).toEqual(
      [...before, ...after].map((e) => [e.id, e.data, e.metadata]),
    );
    expect(await verifyIntegrity(store, (await store.streamHeads?.()) ?? [])).toMatchObject({ clean: true, events: 4 });
  });
});
