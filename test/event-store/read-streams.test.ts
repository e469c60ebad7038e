import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { EventToAppend } from '../../libs/event-store/index.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';

const ev = (type: string, data: Record<string, unknown> = {}): EventToAppend => ({ id: randomUUID(), type, data });

describe.each(['server', 'embedded'] as const)('readStreams of the PostgreSQL event store [%s]', (kind) => {
  let connection: DatabaseConnection | null = null;
  const schema = uniqueName('es_read_streams');
  afterAll(async () => {
    if (kind === 'server') await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await connection?.close();
  });

  it('answers each named stream as readStream does, from one statement; a stream without events is absent', async () => {
    connection =
      kind === 'server'
        ? await openDatabase({ kind: 'server', url: testDatabaseUrl })
        : await openDatabase({ kind: 'embedded', dataDir: null });
    const store = await createPostgresEventStore({ connection, schema });
    // interleaved, so that the log's order is not each stream's order
    await store.appendToStreams([
      { stream: 'rs-a', events: [ev('A0', { n: 0 })] },
      { stream: 'rs-b', events: [ev('B0'), ev('B1')] },
      { stream: 'rs-a', events: [ev('A1', { n: 1 }), ev('A2', { n: 2 })] },
      { stream: 'rs-other', events: [ev('O0')] },
    ]);
    const byStream = await store.readStreams!(['rs-b', 'rs-a', 'rs-missing', 'rs-a']);
    expect([...byStream.keys()].sort()).toEqual(['rs-a', 'rs-b']);
    expect(byStream.get('rs-a')).toEqual(await store.readStream('rs-a'));
    expect(byStream.get('rs-b')).toEqual(await store.readStream('rs-b'));
    expect(byStream.get('rs-a')!.map((e) => [e.type, e.revision])).toEqual([
      ['A0', 0n],
      ['A1', 1n],
      ['A2', 2n],
    ]);
    expect((await store.readStreams!([])).size).toBe(0);
  });
});
