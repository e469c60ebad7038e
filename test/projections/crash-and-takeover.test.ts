import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import type { EventStore } from '../../libs/event-store/index.js';
import { allPassed, ENGINE_SCHEMA, ProjectionRunner } from '../../libs/projection-engine/index.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { allProjections } from '../../projections/index.js';
import { holdBuiltDist } from '../support/build.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { appendSimulatedHistory } from '../support/simulated-history.js';
import { readFileSync } from 'node:fs';
import { plaintextOpener } from '../../libs/projection-engine/open-events.js';

const root = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keys = `service:${'s'.repeat(32)}`;
/** every instance on one database needs the same master key (each has its own DATA_DIR) */
const dataKey = Buffer.alloc(32, 0x3a).toString('base64');

/**
 * Real processes, killed with SIGKILL: the API (which runs the projections) built from this
 * checkout. Each scenario's tables are compared with an uninterrupted run over the same log.
 */
describe('projections survive a killed process [PostgreSQL server, real processes]', () => {
  let releaseDist: (() => Promise<void>) | undefined;
  let dbName: string;
  let url: string;
  let connection: DatabaseConnection;
  let db: Kysely<unknown>;
  let store: EventStore;
  let reference: Map<string, string[]>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    releaseDist = await holdBuiltDist();
    dbName = uniqueName('caretrack_crash');
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const u = new URL(testDatabaseUrl);
    u.pathname = `/${dbName}`;
    url = u.toString();
    connection = await openDatabase({ kind: 'server', url });
    db = connection.db;
    store = await createPostgresEventStore({ connection });
    await appendSimulatedHistory(store, { patients: 150, logsPerPatient: 40 });
    reference = await uninterruptedSnapshot();
  }, 180_000);

  afterAll(async () => {
    try {
      for (const child of children) child.kill('SIGKILL');
      await connection?.close();
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    } finally {
      await releaseDist?.();
    }
  });

  /** Every projection table's rows, as sorted JSON text. */
  async function snapshot(): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (const p of allProjections) {
      for (const table of p.tableNames) {
        const { rows } = await sql<{
          row: string;
        }>`SELECT to_jsonb(t.*)::text AS row FROM ${sql.table(table)} t ORDER BY 1`.execute(db);
        result.set(
          table,
          rows.map((r) => r.row),
        );
      }
    }
    return result;
  }

  async function resetProjections(): Promise<void> {
    for (const p of allProjections)
      for (const table of p.tableNames) await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(ENGINE_SCHEMA)} CASCADE`.execute(db);
  }

  async function uninterruptedSnapshot(): Promise<Map<string, string[]>> {
    await resetProjections();
    const runner = new ProjectionRunner({
      opener: plaintextOpener(),
      db,
      store,
      projections: allProjections,
      context: defaultProjectionContext(),
      configTexts: {
        triageMap: readFileSync(join(root, 'projections/config/triage_map.yaml'), 'utf8'),
        stages: readFileSync(join(root, 'projections/config/stages.yaml'), 'utf8'),
      },
      logger: pino({ level: 'silent' }),
    });
    await runner.start();
    await caughtUp(120_000);
    await runner.stop();
    return snapshot();
  }

  async function caughtUp(timeoutMs: number): Promise<void> {
    const head = (await store.headPosition())!;
    const deadline = Date.now() + timeoutMs;
    while (!(await allPassed(db, store, allProjections, head).catch(() => false))) {
      if (Date.now() > deadline) throw new Error('projections did not catch up in time');
      await sleep(100);
    }
  }

  async function startApi(name: string): Promise<ChildProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), `caretrack-${name}-`));
    const child = spawn(process.execPath, ['dist/apps/api/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: url,
        DATA_DIR: dataDir,
        DATA_KEY: dataKey,
        PORT: '0',
        LOG_LEVEL: 'warn',
        API_KEYS: keys,
        PROJECTION_LEASE_MS: '2000',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.on('exit', () => void rm(dataDir, { recursive: true, force: true }));
    children.push(child);
    return child;
  }

  /** Waits until some projection has applied part, not all, of the log: the kill lands mid catch-up. */
  async function midCatchUp(): Promise<void> {
    const head = (await store.headPosition())!;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await sql<{
        low: string | null;
        high: string | null;
      }>`SELECT min(position)::text AS low, max(position)::text AS high
        FROM ${sql.id(ENGINE_SCHEMA, 'checkpoints')}`
        .execute(db)
        .catch(() => ({ rows: [] as { low: string | null; high: string | null }[] }));
      const high = rows[0]?.high;
      if (high && BigInt(high) > 0n && BigInt(rows[0]!.low ?? '0') < head) return;
      if (Date.now() > deadline) throw new Error('never saw the projections mid catch-up');
      await sleep(20);
    }
  }

  async function holders(): Promise<Set<string>> {
    const { rows } = await sql<{ owner: string }>`SELECT DISTINCT owner FROM ${sql.id(ENGINE_SCHEMA, 'leases')}
      WHERE expires_at > now() AND owner IS NOT NULL`.execute(db);
    return new Set(rows.map((r) => r.owner));
  }

  it('kill -9 in the middle of catching up, restart: the tables equal an uninterrupted run', async () => {
    await resetProjections();
    const first = await startApi('crash-1');
    await midCatchUp();
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const restarted = await startApi('crash-2');
    await caughtUp(120_000);
    restarted.kill('SIGTERM');
    await new Promise((resolve) => restarted.once('exit', resolve));
    const after = await snapshot();
    for (const [table, rows] of reference) expect({ table, rows: after.get(table) }).toEqual({ table, rows });
  }, 240_000);

  it('two instances: kill the one holding the projections, the other takes over within seconds, nothing applied twice', async () => {
    await resetProjections();
    const a = await startApi('takeover-a');
    await midCatchUp();
    const owners = await holders();
    expect(owners.size).toBe(1); // one instance runs every projection
    const b = await startApi('takeover-b');
    await sleep(1500);
    expect(await holders()).toEqual(owners); // the second waits
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => a.once('exit', resolve));
    let tookOver = false;
    while (Date.now() - killedAt < 15_000) {
      const now = await holders();
      if (now.size === 1 && !now.has([...owners][0]!)) {
        tookOver = true;
        break;
      }
      await sleep(100);
    }
    expect(tookOver).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await caughtUp(120_000);
    b.kill('SIGTERM');
    await new Promise((resolve) => b.once('exit', resolve));
    const after = await snapshot();
    for (const [table, rows] of reference) expect({ table, rows: after.get(table) }).toEqual({ table, rows });
  }, 240_000);
});
