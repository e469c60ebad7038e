import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { StreamNotFound, type EventStore } from '../../libs/event-store/index.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';

/**
 * Runs `between` once, right after the next statement the store sends returns, before the
 * store sees its result: "another writer commits while this read is in progress".
 */
class AfterNextStatement implements KyselyPlugin {
  private between: (() => Promise<void>) | null = null;

  arm(between: () => Promise<void>): void {
    this.between = between;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const between = this.between;
    this.between = null;
    await between?.();
    return args.result;
  }
}

describe('readStream while the stream is being created [PostgreSQL server]', () => {
  let connection: DatabaseConnection;
  let reader: EventStore;
  let writer: EventStore;
  const plugin = new AfterNextStatement();
  const schema = uniqueName('es_race');

  beforeAll(async () => {
    connection = await openDatabase({ kind: 'server', url: testDatabaseUrl });
    writer = await createPostgresEventStore({ connection, schema });
    reader = await createPostgresEventStore({
      connection: { ...connection, db: connection.db.withPlugin(plugin), listen: connection.listen },
      schema,
    });
  });
  afterAll(async () => {
    await connection?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('either finds the stream whole or reports it missing, never an empty stream', async () => {
    for (let round = 0; round < 5; round++) {
      const stream = `appearing-${randomUUID()}`;
      plugin.arm(async () => {
        await writer.appendToStream(stream, [{ id: randomUUID(), type: 'Created', data: { round } }], {
          expectedRevision: 'no_stream',
        });
      });
      const outcome = await reader.readStream(stream).catch((error: unknown) => error);
      if (outcome instanceof StreamNotFound) {
        expect(outcome.stream).toBe(stream);
      } else {
        // a read that found the stream must hold its event: an empty array is the bug
        expect(outcome).toEqual([expect.objectContaining({ type: 'Created', revision: 0n })]);
      }
      expect(await reader.readStream(stream)).toHaveLength(1);
    }
  });
});
