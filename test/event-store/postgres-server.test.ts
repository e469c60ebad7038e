import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase } from '../../libs/read-store/connection.js';
import {
  adminQuery,
  terminateConnections,
  testDatabaseUrl,
  uniqueName,
  withApplicationName,
} from '../support/databases.js';
import { eventStoreConformance } from './event-store.conformance.js';

eventStoreConformance({
  backend: `PostgreSQL server (${new URL(testDatabaseUrl).host}${new URL(testDatabaseUrl).pathname})`,
  supportsNaiveControl: true,
  supportsDelayedCommits: true,
  async create(options = {}) {
    const schema = uniqueName('es_conf');
    const applicationName = uniqueName('caretrack_conf');
    const connection = await openDatabase({
      kind: 'server',
      url: withApplicationName(testDatabaseUrl, applicationName),
      poolSize: 12,
    });
    const store = await createPostgresEventStore({
      connection,
      schema,
      idleMs: 2000,
      appendHooks: { serialize: !options.naive, beforeCommit: options.beforeCommit },
      // up to 8 batches in flight: as many concurrent append transactions as writers, so the
      // concurrent-writers test (and its negative control) interleave as much as before group commit
      groupCommit: { maxInFlight: 8 },
    });
    return {
      store,
      dropConnections: async () => {
        const dropped = await terminateConnections(applicationName);
        if (dropped === 0) throw new Error('no connection to drop');
      },
      close: async () => {
        await connection.close();
        await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      },
    };
  },
});
