import { openDatabase } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl } from '../support/databases.js';
import { keyStoreSuite } from './key-store.suite.js';

keyStoreSuite({
  backend: `PostgreSQL server (${new URL(testDatabaseUrl).host}${new URL(testDatabaseUrl).pathname})`,
  concurrent: true,
  connect: () => openDatabase({ kind: 'server', url: testDatabaseUrl, poolSize: 4 }),
  dropSchema: async (schema) => void (await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
});
