import { afterAll } from '@jest/globals';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { uniqueName } from '../support/databases.js';
import { eventStoreConformance } from './event-store.conformance.js';

// One PGlite instance for the file (each costs ~750 MB); each subject gets its own schema.
let shared: Promise<DatabaseConnection> | null = null;
const connection = () => (shared ??= openDatabase({ kind: 'embedded', dataDir: null }));
afterAll(async () => (await shared)?.close());

eventStoreConformance({
  backend: 'embedded PGlite (in memory)',
  supportsNaiveControl: false,
  supportsDelayedCommits: true,
  async create(options = {}) {
    const store = await createPostgresEventStore({
      connection: await connection(),
      schema: uniqueName('es_conf'),
      idleMs: 2000,
      appendHooks: { serialize: !options.naive, beforeCommit: options.beforeCommit },
    });
    return { store, close: async () => undefined };
  },
});
