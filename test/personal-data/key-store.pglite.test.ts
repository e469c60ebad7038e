import { afterAll } from '@jest/globals';
import { sql } from 'kysely';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { keyStoreSuite } from './key-store.suite.js';

// One PGlite instance for the file (each costs ~750 MB): "another process" is another
// KeyStore (its own cache) on the same database.
let shared: Promise<DatabaseConnection> | null = null;
afterAll(async () => (await shared)?.close());

keyStoreSuite({
  backend: 'embedded PGlite (in memory)',
  concurrent: false,
  connect: async () => ({
    ...(await (shared ??= openDatabase({ kind: 'embedded', dataDir: null }))),
    close: async () => undefined,
  }),
  dropSchema: async (schema) => {
    const conn = await shared;
    if (conn) await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(conn.db);
  },
});
