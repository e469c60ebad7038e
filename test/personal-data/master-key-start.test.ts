import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createApp } from '../../apps/api/bootstrap/create-app.js';
import { loadConfig } from '../../apps/api/config/app-config.js';
import { GENERATED_MASTER_KEY_FILE, MasterKey, WrongMasterKeyError } from '../../libs/personal-data/index.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { seedPgliteDataDir } from '../support/pglite-template.js';

const apiKeys = `service:${'s'.repeat(32)}`;

/** Starts the real app and stops it again; returns the warnings it logged. */
async function startAndStop(env: Record<string, string>): Promise<string[]> {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const running = await createApp(loadConfig({ LOG_LEVEL: 'warn', API_KEYS: apiKeys, ...env }), logger, {
    print: () => undefined,
  });
  await running.close();
  return lines.map((line) => String(JSON.parse(line).msg));
}

const failure = (env: Record<string, string>) =>
  startAndStop(env).then(
    () => null,
    (error: unknown) => error,
  );

describe('the master key at start [embedded PGlite]', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'caretrack-start-'));
    // PGlite's initdb, copied rather than run again: no master key, no schema of ours in it
    await seedPgliteDataDir(join(dataDir, 'pg'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('is generated under DATA_DIR (mode 0600) on the first start, which says so once', async () => {
    const first = await startAndStop({ DATA_DIR: dataDir });
    expect(first.filter((msg) => msg.startsWith('generated the master key of personal data'))).toHaveLength(1);
    expect((await stat(join(dataDir, GENERATED_MASTER_KEY_FILE))).mode & 0o777).toBe(0o600);
    const second = await startAndStop({ DATA_DIR: dataDir });
    expect(second.filter((msg) => msg.includes('master key'))).toEqual([]);
  });

  it('stops the start with a clear message when another master key is given, and harms nothing', async () => {
    const wrong = MasterKey.generate();
    const error = await failure({ DATA_DIR: dataDir, DATA_KEY: wrong.exportText() });
    expect(error).toBeInstanceOf(WrongMasterKeyError);
    expect(String((error as Error).message)).toMatch(
      new RegExp(
        `^the master key from DATA_KEY \\(id ${wrong.id}\\) does not open the key store in schema caretrack_keys, which was made with master key id [0-9a-f]{16}\\. .*caretrack keys rotate`,
      ),
    );
    expect(await startAndStop({ DATA_DIR: dataDir })).toEqual([]);
  });
});

describe('the master key at start [PostgreSQL server]', () => {
  let dbName: string;
  let databaseUrl: string;
  const dirs: string[] = [];
  const dir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'caretrack-start-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    dbName = uniqueName('caretrack_start');
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('refuses a second instance that generated its own key instead of sharing the first one’s', async () => {
    await startAndStop({ DATA_DIR: await dir(), DATABASE_URL: databaseUrl });
    const error = await failure({ DATA_DIR: await dir(), DATABASE_URL: databaseUrl });
    expect(error).toBeInstanceOf(WrongMasterKeyError);
    expect(String(error)).toContain('master key from DATA_DIR');
  });

  it('starts every instance that is given the same key through DATA_KEY_FILE', async () => {
    const first = join(dirs[0]!, GENERATED_MASTER_KEY_FILE); // the key the store was made with
    for (let i = 0; i < 2; i++) {
      expect(await startAndStop({ DATA_DIR: await dir(), DATABASE_URL: databaseUrl, DATA_KEY_FILE: first })).toEqual(
        [],
      );
    }
  });
});
