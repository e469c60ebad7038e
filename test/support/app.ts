import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type RunningApp } from '../../apps/api/bootstrap/create-app.js';
import { loadConfig, type AppConfig } from '../../apps/api/config/app-config.js';
import type { AppendHooks } from '../../libs/event-store/postgres/append.js';
import { adminQuery, testDatabaseUrl, uniqueName } from './databases.js';
import { startEsdbBackend } from './esdb-double/backends.js';
import { seedPgliteDataDir } from './pglite-template.js';

/**
 * `embedded`: PGlite for events and read tables. `server`: the PostgreSQL server for both.
 * `esdb`: events in EventStoreDB (a real one via EVENTSTORE_URL or testcontainers, else the
 * in-process gRPC test double), read tables on the PostgreSQL server.
 */
export type Topology = 'embedded' | 'server' | 'esdb';

export type TestApp = RunningApp & {
  config: AppConfig;
  topology: Topology;
  close(): Promise<void>;
};

export type TestAppOptions = {
  /** the PostgreSQL event store's test seam (see `AppendHooks`) */
  appendHooks?: AppendHooks;
  /**
   * Run as another process beside `app` on the same server database (another replica or a
   * projector): that database is used, and dropped by `app`'s close, not this one's.
   */
  besides?: TestApp;
  /** the URL the app gets for its fresh database (e.g. through a proxy) */
  databaseUrl?: (url: string) => string;
  /** every log line of the app at level debug is pushed here (default: no logs) */
  logLines?: string[];
};

/**
 * The master key of the test apps on a database server: apps of one test that share a database
 * (a second instance, a restart) need the same key, and each has its own DATA_DIR. Embedded
 * apps generate theirs under DATA_DIR, as the embedded default does.
 */
export const TEST_DATA_KEY = Buffer.alloc(32, 0x5c).toString('base64');

/**
 * The real app, on PGlite in a temp DATA_DIR or on a fresh database of the test server.
 * Requests go through Fastify's inject (the full HTTP pipeline, no socket).
 */
export async function startTestApp(
  topology: Topology,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'caretrack-test-'));
  // The embedded store starts from a copy of PGlite's initdb, not a run of it (see seedPgliteDataDir).
  if (topology === 'embedded' && !env['DATABASE_URL'] && !env['DATA_DIR']) await seedPgliteDataDir(join(dataDir, 'pg'));
  let dbName: string | null = null;
  let databaseUrl: string | undefined = options.besides?.config.databaseUrl;
  const esdb = topology === 'esdb' && !env['EVENTSTORE_URL'] ? await startEsdbBackend() : null;
  if (esdb) process.stdout.write(`test app events in: ${esdb.label}\n`);
  if (options.besides && topology !== 'server') throw new Error('only server apps can share a database');
  if (topology !== 'embedded' && !databaseUrl) {
    dbName = uniqueName('caretrack_test');
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = options.databaseUrl ? options.databaseUrl(url.toString()) : url.toString();
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(topology !== 'embedded' && !env['DATA_KEY_FILE'] ? { DATA_KEY: TEST_DATA_KEY } : {}),
    ...(esdb ? { EVENTSTORE_URL: esdb.connectionString } : {}),
    ...env,
  });
  const lines = options.logLines;
  const logger = lines
    ? pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
    : pino({ level: 'silent' });
  const running = await createApp(config, logger, {
    appendHooks: options.appendHooks,
    print: lines ? (text) => void lines.push(text) : undefined,
  });
  await running.app.getHttpAdapter().getInstance().ready();
  return {
    ...running,
    config,
    topology,
    close: async () => {
      try {
        await running.runner.stop().catch(() => undefined);
        await running.app.close();
        await running.infrastructure.close().catch(() => undefined); // a test may have closed it already
      } finally {
        if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await esdb?.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
