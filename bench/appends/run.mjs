#!/usr/bin/env node
// Library-level 1-event appends per second: caretrack's PostgreSQL event store beside Emmett's
// (@event-driven-io/emmett-postgresql), same server, same run, each on its own fresh database.
// Plain ESM JavaScript over dist/: `node bench/appends/run.mjs --help`. See bench/README.md.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { admin, databaseUrl, ensureBuilt, ROOT } from '../lib.mjs';

const USAGE = `usage: node bench/appends/run.mjs [options]

  --writers <list>     concurrent writers, comma-separated (default 1,8,32)
  --hot-writers <n>    writers on one stream without expectation (default 16; 0 skips)
  --duration <s>       measured seconds per store and level (default 10)
  --warmup <s>         unmeasured seconds before each (default 2)
  --stores <list>      caretrack,emmett (default both)
  --in-flight <n>      caretrack's group commit: batches in flight (default: the store's default)
  --server <url>       PostgreSQL server, a database the user may CREATE DATABASE from
                       (default postgres://postgres@127.0.0.1:5432/postgres)
  --out <dir>          where the JSON goes (default bench/results)
  --no-build           never run \`npm run build\`
  -h, --help`;

const DEFAULTS = { writers: '1,8,32', 'hot-writers': '16', duration: '10', warmup: '2', stores: 'caretrack,emmett' };
/** Appends per stream before a writer moves to a new one (streams neither stay empty nor grow forever). */
const STREAM_LENGTH = 100;

function options() {
  const { values } = parseArgs({
    options: {
      writers: { type: 'string', default: DEFAULTS.writers },
      'hot-writers': { type: 'string', default: DEFAULTS['hot-writers'] },
      duration: { type: 'string', default: DEFAULTS.duration },
      warmup: { type: 'string', default: DEFAULTS.warmup },
      stores: { type: 'string', default: DEFAULTS.stores },
      'in-flight': { type: 'string' },
      server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: join(ROOT, 'bench/results') },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (
    /** @type {'hot-writers' | 'duration' | 'warmup' | 'in-flight'} */ name,
    /** @type {number} */ min,
    /** @type {number} */ max,
  ) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number in [${min}, ${max}]`);
    return n;
  };
  const writers = values.writers.split(',').map((s) => Number(s.trim()));
  if (writers.some((n) => !Number.isInteger(n) || n < 1 || n > 256)) fail('--writers must be integers in [1, 256]');
  const stores = values.stores.split(',').map((s) => s.trim());
  if (stores.some((s) => !['caretrack', 'emmett'].includes(s))) fail('--stores: caretrack and/or emmett');
  const full =
    Object.entries(DEFAULTS).every(([k, v]) => values[/** @type {keyof typeof DEFAULTS} */ (k)] === v) &&
    values['in-flight'] === undefined;
  return {
    writers,
    hotWriters: number('hot-writers', 0, 256),
    durationS: number('duration', 1, 600),
    warmupS: number('warmup', 0, 600),
    stores,
    inFlight: values['in-flight'] === undefined ? undefined : number('in-flight', 1, 64),
    server: values.server,
    outDir: resolve(values.out),
    build: !values['no-build'],
    full,
  };
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

const log = (/** @type {string} */ text) => console.error(`bench: ${text}`);
const round = (/** @type {number} */ n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
let aborted = false;
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (aborted = true));

/**
 * An event like a symptom log: ~300 bytes of data, ~200 of metadata.
 * @param {number} writer @param {number} n
 * @returns {BenchEvent}
 */
function payload(writer, n) {
  return {
    type: 'SymptomLogged',
    data: {
      patientId: `w${writer}`,
      logId: randomUUID(),
      symptomId: 'headache',
      severity: n % 7,
      loggedAt: new Date().toISOString(),
      reporterType: 'self',
      incidentContext: 'training',
      note: 'bench append '.repeat(8),
    },
    metadata: {
      actor: { id: 'bench', role: 'service' },
      correlationId: randomUUID(),
      commandName: 'LogSymptom',
      schemaVersion: 1,
    },
  };
}

// ---------------------------------------------------------------- the two stores

/**
 * @typedef {{ type: string, data: Record<string, unknown>, metadata: Record<string, unknown> }} BenchEvent
 * @typedef {{ name: string, batches: { count: number, appends: number } | null,
 *   append: (stream: string, event: BenchEvent, expected: bigint | null) => Promise<bigint>,
 *   isConflict: (error: unknown) => boolean, count: (client: pg.Client) => Promise<number>,
 *   positionsDense: (client: pg.Client) => Promise<boolean | null>, close: () => Promise<void> }} Store
 */

/** @param {string} url @param {number | undefined} inFlight @returns {Promise<Store>} */
async function caretrackStore(url, inFlight) {
  const { openDatabase } = await import(pathToFileURL(join(ROOT, 'dist/libs/read-store/connection.js')).href);
  const { createPostgresEventStore } = await import(
    pathToFileURL(join(ROOT, 'dist/libs/event-store/postgres/postgres-event-store.js')).href
  );
  // the app's own settings: a pool of 10, group commit defaults
  const connection = await openDatabase({ kind: 'server', url });
  const batches = { count: 0, appends: 0 };
  const store = await createPostgresEventStore({
    connection,
    ...(inFlight === undefined ? {} : { groupCommit: { maxInFlight: inFlight } }),
    onBatch: (/** @type {{ appends: number }} */ b) => {
      batches.count += 1;
      batches.appends += b.appends;
    },
  });
  return {
    name: 'caretrack',
    batches,
    /** appends one event; `expected` a revision (bigint) or null for "no expectation" */
    append: async (stream, event, expected) => {
      const result = await store.appendToStream(stream, [{ id: randomUUID(), ...event }], {
        expectedRevision: expected === null ? 'any' : expected < 0n ? 'no_stream' : expected,
      });
      return result.nextExpectedRevision;
    },
    isConflict: (error) =>
      typeof error === 'object' && error !== null && 'code' in error && error.code === 'wrong_expected_version',
    count: async (client) => Number((await client.query('SELECT count(*) FROM caretrack_events.events')).rows[0].count),
    /** positions are one dense integer */
    positionsDense: async (client) => {
      const { rows } = await client.query(
        'SELECT count(*)::bigint AS n, coalesce(max(position), 0) AS max FROM caretrack_events.events',
      );
      return rows[0].n === rows[0].max;
    },
    close: () => connection.close(),
  };
}

/** @param {string} url @returns {Promise<Store>} */
async function emmettStore(url) {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  // @event-driven-io/emmett is installed as emmett-postgresql's peer dependency
  const { isExpectedVersionConflictError } = await import('@event-driven-io/emmett');
  // Emmett's defaults: a pg.Pool (default size 10), schema created on first use
  const store = getPostgreSQLEventStore(url);
  await store.schema.migrate();
  return {
    name: 'emmett',
    batches: null,
    append: async (stream, event, expected) => {
      // Emmett counts versions from 1 (0n = no events yet); null = no concurrency check
      const result = await store.appendToStream(
        stream,
        [{ type: event.type, data: event.data, metadata: event.metadata }],
        {
          ...(expected === null ? {} : { expectedStreamVersion: expected + 1n }),
        },
      );
      return result.nextExpectedStreamVersion - 1n;
    },
    isConflict: (error) => isExpectedVersionConflictError(error),
    count: async (client) => Number((await client.query('SELECT count(*) FROM emt_messages')).rows[0].count),
    positionsDense: async () => null,
    close: () => store.close(),
  };
}

// ---------------------------------------------------------------- workloads

/**
 * `writers` concurrent writers for warmup + duration seconds. `hot`: all on one stream without
 * expectation (a conflict is counted and the writer tries again); otherwise each on its own
 * streams, appending with the exact expected revision (a conflict there is a bench bug).
 * @param {Store} store
 * @param {{ writers: number, warmupS: number, durationS: number, hot: boolean, client: pg.Client }} phase
 */
async function runPhase(store, { writers, warmupS, durationS, hot, client }) {
  const start = performance.now();
  const windowStart = start + warmupS * 1000;
  const windowEnd = windowStart + durationS * 1000;
  /** @type {number[]} */
  const latencies = [];
  let conflicts = 0;
  let attempts = 0;
  let errors = 0;
  let firstError;
  let succeeded = 0;
  const tag = randomUUID().slice(0, 8);
  const statsBefore = await databaseStats(client);
  const hotStream = `hot-${tag}`;

  const loop = async (/** @type {number} */ w) => {
    let streamNo = 0;
    let revision = -1n; // last revision of the writer's stream (-1: none)
    let n = 0;
    while (!aborted && performance.now() < windowEnd) {
      const stream = hot ? hotStream : `w${w}-${tag}-${streamNo}`;
      const t0 = performance.now();
      const inWindow = t0 >= windowStart;
      try {
        revision = await store.append(stream, payload(w, n++), hot ? null : revision);
        succeeded += 1;
        if (inWindow) latencies.push(performance.now() - t0);
        if (!hot && revision + 1n >= BigInt(STREAM_LENGTH)) {
          streamNo += 1;
          revision = -1n;
        }
      } catch (error) {
        if (store.isConflict(error)) {
          if (inWindow) conflicts += 1;
        } else {
          if (inWindow) errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      if (inWindow) attempts += 1;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => loop(w)));
  const statsAfter = await databaseStats(client);
  const seconds = durationS;
  const sorted = Float64Array.from(latencies).sort();
  const pct = (/** @type {number} */ p) =>
    sorted.length === 0
      ? null
      : round(/** @type {number} */ (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]));
  return {
    writers,
    hot,
    appends: sorted.length,
    appendsPerSecond: round(sorted.length / seconds, 1),
    p50Ms: pct(50),
    p99Ms: pct(99),
    attempts,
    conflicts,
    conflictRate: attempts === 0 ? null : round(conflicts / attempts, 3),
    errors,
    firstError,
    succeededIncludingWarmup: succeeded,
    // the whole phase (warm-up included): transactions and WAL the server wrote per append
    commitsPerAppend: succeeded === 0 ? null : round((statsAfter.commits - statsBefore.commits) / succeeded, 3),
    walBytesPerAppend:
      succeeded === 0 || statsAfter.wal === null || statsBefore.wal === null
        ? null
        : round((statsAfter.wal - statsBefore.wal) / succeeded, 0),
  };
}

/** @param {pg.Client} client */
async function databaseStats(client) {
  const commits = Number(
    (await client.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0]
      .xact_commit,
  );
  const wal = await client
    .query("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS wal")
    .then((r) => Number(r.rows[0].wal))
    .catch(() => null);
  return { commits, wal };
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = options();
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((n) => round(n));
  const stamp = startedAt.toISOString().replace(/\D/g, '').slice(0, 14);
  const dist = await ensureBuilt({
    build: opts.build,
    builtFiles: ['dist/libs/event-store/postgres/postgres-event-store.js'],
    log,
  });
  const serverVersion = (await admin(opts.server, 'SHOW server_version')).rows[0].server_version;
  const settings = Object.fromEntries(
    (
      await admin(
        opts.server,
        "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit','fsync','commit_delay','shared_buffers','wal_sync_method')",
      )
    ).rows.map((r) => [r.name, r.setting]),
  );

  /** @type {{ name: string, database: string, store: Store, client: pg.Client, created: number }[]} */
  const subjects = [];
  /** @type {(() => Promise<unknown>)[]} */
  const cleanups = [];
  try {
    for (const name of opts.stores) {
      const database = `caretrack_benchapp_${stamp}_${process.pid}_${name}`;
      await admin(opts.server, `CREATE DATABASE "${database}"`);
      cleanups.push(() => admin(opts.server, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
      const url = databaseUrl(opts.server, database);
      const store = name === 'caretrack' ? await caretrackStore(url, opts.inFlight) : await emmettStore(url);
      cleanups.push(() => store.close());
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      cleanups.push(() => client.end());
      // one append outside any measurement (schema, plans, the first stream)
      await store.append(`warm-${randomUUID()}`, payload(0, 0), -1n);
      subjects.push({ name, database, store, client, created: 1 });
      log(`${name}: database ${database}`);
    }
    log(`dist ${dist}; ${opts.stores.join(' and ')} alternate at each level`);

    /** @typedef {Awaited<ReturnType<typeof runPhase>> & { appendsPerBatch?: number | null }} PhaseResult */
    /** @type {{ writers: number, hot: boolean, stores: Record<string, PhaseResult>, ratio?: number | null }[]} */
    const levels = [];
    const plan = [
      ...opts.writers.map((writers) => ({ writers, hot: false })),
      ...(opts.hotWriters > 0 ? [{ writers: opts.hotWriters, hot: true }] : []),
    ];
    for (const { writers, hot } of plan) {
      /** @type {(typeof levels)[number]} */
      const level = { writers, hot, stores: {} };
      for (const subject of subjects) {
        if (aborted) throw new Error('aborted');
        log(
          `${subject.name}: ${writers} writer(s)${hot ? ' on one stream, no expectation' : ''}: ${opts.warmupS} s warm-up + ${opts.durationS} s`,
        );
        const batchesBefore = subject.store.batches ? { ...subject.store.batches } : null;
        /** @type {PhaseResult} */
        const result = await runPhase(subject.store, {
          writers,
          warmupS: opts.warmupS,
          durationS: opts.durationS,
          hot,
          client: subject.client,
        });
        if (batchesBefore && subject.store.batches) {
          const count = subject.store.batches.count - batchesBefore.count;
          result.appendsPerBatch =
            count === 0 ? null : round((subject.store.batches.appends - batchesBefore.appends) / count, 2);
        }
        subject.created += result.succeededIncludingWarmup;
        level.stores[subject.name] = result;
        if (result.errors > 0) log(`${subject.name}: ${result.errors} error(s), first: ${result.firstError}`);
      }
      const ours = level.stores.caretrack?.appendsPerSecond;
      const theirs = level.stores.emmett?.appendsPerSecond;
      level.ratio = ours != null && theirs ? round(ours / theirs, 2) : null;
      levels.push(level);
    }

    /** @type {Record<string, { stored: number, succeeded: number, ok: boolean, positionsDense: boolean | null }>} */
    const checks = {};
    for (const subject of subjects) {
      const stored = await subject.store.count(subject.client);
      checks[subject.name] = {
        stored,
        succeeded: subject.created,
        ok: stored === subject.created,
        positionsDense: await subject.store.positionsDense(subject.client),
      };
    }

    const result = {
      benchmark: 'appends',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        postgres: serverVersion,
        postgresSettings: settings,
        loadAverage: { start: loadAtStart, end: os.loadavg().map((n) => round(n)) },
      },
      settings: {
        writers: opts.writers,
        caretrackInFlight: opts.inFlight ?? 'default',
        hotWriters: opts.hotWriters,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        workload: `1-event appends (~500 bytes); each writer on its own streams with the exact expected revision, ${STREAM_LENGTH} appends per stream; hot: every writer on one stream, no expectation, a conflict counted and retried`,
        caretrack:
          'createPostgresEventStore: pg pool of 10, group commit defaults (2 batches in flight, 1,000 events per batch)',
        emmett: 'getPostgreSQLEventStore(url) from @event-driven-io/emmett-postgresql 0.42.0: its default pg pool (10)',
      },
      checks,
      levels,
    };
    await mkdir(opts.outDir, { recursive: true });
    const day = startedAt.toISOString().slice(0, 10);
    let file = join(
      opts.outDir,
      opts.full
        ? `appends-${day}.json`
        : `appends-smoke-${startedAt.toISOString().slice(0, 16).replace(/\D/g, '')}.json`,
    );
    if (opts.full && existsSync(file))
      file = join(opts.outDir, `appends-${startedAt.toISOString().slice(0, 16).replace(/\D/g, '')}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);

    const f = (/** @type {number | null | undefined} */ n) => (n == null ? '–' : String(n));
    const rows = [
      '| writers | stream | caretrack appends/s | p50 ms | p99 ms | appends/batch | conflicts | Emmett appends/s | p50 ms | p99 ms | conflicts | caretrack ÷ Emmett |',
      '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    for (const l of levels) {
      /** @type {Partial<PhaseResult>} */
      const c = l.stores.caretrack ?? {};
      /** @type {Partial<PhaseResult>} */
      const e = l.stores.emmett ?? {};
      const pctOf = (/** @type {Partial<PhaseResult>} */ r) =>
        r?.conflictRate == null ? '–' : `${round(r.conflictRate * 100, 1)} %`;
      rows.push(
        `| ${l.writers} | ${l.hot ? 'one, no expectation' : 'own, exact revision'} | ${f(c.appendsPerSecond)} | ${f(c.p50Ms)} | ${f(c.p99Ms)} | ${f(c.appendsPerBatch)} | ${pctOf(c)} | ${f(e.appendsPerSecond)} | ${f(e.p50Ms)} | ${f(e.p99Ms)} | ${pctOf(e)} | ${f(l.ratio)} |`,
      );
    }
    console.log(`\n${rows.join('\n')}\n`);
    for (const [name, c] of Object.entries(checks)) {
      console.log(
        `${name}: ${c.stored} events stored, ${c.succeeded} appends answered ok: ${c.ok ? 'ok' : 'MISMATCH'}${c.positionsDense === null ? '' : `; positions dense: ${c.positionsDense}`}`,
      );
    }
    console.log(
      `load average (1/5/15 min): ${result.machine.loadAverage.start.join(' ')} at start, ${result.machine.loadAverage.end.join(' ')} at end`,
    );
    console.log(`results: ${relative(process.cwd(), file) || file}`);
    const bad =
      levels.some((l) => Object.values(l.stores).some((s) => s.errors > 0)) ||
      Object.values(checks).some((c) => !c.ok || c.positionsDense === false);
    if (bad) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log(`cleanup failed: ${error.message}`));
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
process.exit();
