/**
 * The import killed midway (a real process, SIGKILL) and run again gives what one uninterrupted
 * run gives: the same events at the same revisions and positions, the same projected rows.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { EventStore, StoredEvent } from '../../libs/event-store/index.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { allProjections } from '../../projections/index.js';
import { generateLegacyRows } from '../fixtures/legacy/generate.mjs';
import { createLegacyDatabase, insertLegacyRows, type LegacyDatabase } from '../fixtures/legacy/legacy-database.js';
import { decryptEvents, type KeyStore } from '../../libs/personal-data/index.js';
import { holdBuiltDist } from '../support/build.js';
import { allEvents, cli, createTargetDatabase, IMPORT_DATA_KEY, openKeys, project } from './support.js';

const root = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Target = {
  db: Awaited<ReturnType<typeof createTargetDatabase>>;
  connection: DatabaseConnection;
  store: EventStore;
  keys: () => Promise<KeyStore>;
};

async function openTarget(): Promise<Target> {
  const db = await createTargetDatabase();
  const connection = await openDatabase({ kind: 'server', url: db.url });
  let keys: Promise<KeyStore> | undefined;
  // opened once the import has made the key store (its first open records the master key)
  return {
    db,
    connection,
    store: await createPostgresEventStore({ connection }),
    keys: () => (keys ??= openKeys(connection.db)),
  };
}

/** The log, decrypted with the target's own data keys (each target's keys and ciphertexts are its own). */
async function decryptedLog(t: Target): Promise<StoredEvent[]> {
  return decryptEvents(await allEvents(t.store), await t.keys());
}

/**
 * An event as a run leaves it, decrypted, without what differs by run (the run's id, and the
 * hash that covers it and the ciphertext).
 */
function comparable(e: StoredEvent) {
  const { correlationId: _run, ...metadata } = e.metadata;
  return {
    id: e.id,
    stream: e.streamId,
    revision: e.revision,
    position: e.position,
    type: e.type,
    data: e.data,
    metadata,
  };
}

/** Every projection table's rows, as sorted JSON text. */
async function projected(db: Kysely<unknown>): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const p of allProjections)
    for (const table of p.tableNames) {
      const { rows } = await sql<{
        row: string;
      }>`SELECT to_jsonb(t.*)::text AS row FROM ${sql.table(table)} t ORDER BY 1`.execute(db);
      result[table] = rows.map((r) => r.row);
    }
  return result;
}

/** `node dist/apps/cli/main.js …` to its end: exit code and standard output. */
function runProcess(args: string[], databaseUrl: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['dist/apps/cli/main.js', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_KEY: IMPORT_DATA_KEY, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

describe('caretrack import legacy, killed midway and run again [PostgreSQL server, real process]', () => {
  let releaseDist: (() => Promise<void>) | undefined;
  let legacy: LegacyDatabase;
  let single: Target;
  let resumed: Target;

  beforeAll(async () => {
    releaseDist = await holdBuiltDist();
    legacy = await createLegacyDatabase();
    await insertLegacyRows(legacy, generateLegacyRows({ rows: 10_000, seed: 7 }));
    single = await openTarget();
    resumed = await openTarget();
  }, 300_000);

  afterAll(async () => {
    try {
      for (const t of [single, resumed]) {
        if (t) await (await t.keys()).close();
        await t?.connection.close();
        await t?.db.drop();
      }
      await legacy?.drop();
    } finally {
      await releaseDist?.();
    }
  });

  it('the build bundles the import thread, and the compiled command line runs that bundle', async () => {
    const thread = (await import(`${root}dist/apps/cli/import/import-thread.js`)) as {
      importThreadEntry: () => URL | null;
    };
    expect(thread.importThreadEntry()?.pathname).toBe(`${root}dist/apps/cli/import/bundle/import-thread-entry.js`);
  });

  it('kill -9 in the middle of an import, run it again: the log and the projections equal a single run', async () => {
    const once = await cli(['import', 'legacy', '--from', legacy.url, '--json'], { DATABASE_URL: single.db.url });
    expect(once.code).toBe(1); // the generated data holds a few rows that break a rule
    const expected = await decryptedLog(single);

    const child = spawn(process.execPath, ['dist/apps/cli/main.js', 'import', 'legacy', '--from', legacy.url], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: resumed.db.url, DATA_KEY: IMPORT_DATA_KEY, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const watcher = new pg.Client({ connectionString: resumed.db.url });
    await watcher.connect();
    let atKill = 0;
    try {
      const deadline = Date.now() + 120_000;
      while (atKill < expected.length / 5) {
        if (Date.now() > deadline) throw new Error('the import never got a fifth of the way');
        const { rows } = await watcher.query<{ n: number }>(
          `SELECT CASE WHEN to_regclass('caretrack_events.events') IS NULL THEN 0 ELSE (SELECT count(*)::int FROM caretrack_events.events) END AS n`,
        );
        atKill = rows[0]!.n;
        await sleep(20);
      }
      child.kill('SIGKILL');
      await exited;
      // The killed client's last COMMIT may still be finishing on the server: count only once no
      // backend but ours is busy (the test's own pools are idle), or a wave that commits after the
      // count looks like one the rerun must add.
      for (const until = Date.now() + 30_000; Date.now() < until; await sleep(50)) {
        const { rows: others } = await watcher.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'",
        );
        if (others[0]!.n === 0) break;
      }
      const { rows } = await watcher.query<{ n: number }>('SELECT count(*)::int AS n FROM caretrack_events.events');
      atKill = rows[0]!.n;
    } finally {
      await watcher.end();
    }
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(expected.length); // killed midway, not after the end

    // The rerun is a real process too: its report and exit code come from the import thread.
    const again = await runProcess(['import', 'legacy', '--from', legacy.url, '--json'], resumed.db.url);
    expect(again.code).toBe(1);
    const report = JSON.parse(again.out) as { events: number; tables: { alreadyThere: number }[] };
    expect(report.events).toBe(expected.length - atKill);
    expect(report.tables.reduce((n, t) => n + t.alreadyThere, 0)).toBeGreaterThan(0);

    expect((await decryptedLog(resumed)).map(comparable)).toEqual(expected.map(comparable));
    await project(single.connection.db, single.store, await single.keys());
    await project(resumed.connection.db, resumed.store, await resumed.keys());
    expect(await projected(resumed.connection.db)).toEqual(await projected(single.connection.db));
  }, 300_000);
});
