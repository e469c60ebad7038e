import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type RunningApp } from '../../apps/api/bootstrap/create-app.js';
import { loadConfig, type AppConfig } from '../../apps/api/config/app-config.js';
import { adminQuery, testDatabaseUrl, uniqueName } from './databases.js';

export type Topology = 'embedded' | 'server';

export type TestApp = RunningApp & {
  config: AppConfig;
  topology: Topology;
  close(): Promise<void>;
};

/**
 * The real app, on PGlite in a temp DATA_DIR or on a fresh database of the test server.
 * Requests go through Fastify's inject (the full HTTP pipeline, no socket).
 */
export async function startTestApp(topology: Topology, env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'caretrack-test-'));
  let dbName: string | null = null;
  let databaseUrl: string | undefined;
  if (topology === 'server') {
    dbName = uniqueName('caretrack_test');
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env });
  const running = await createApp(config, pino({ level: 'silent' }));
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
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
