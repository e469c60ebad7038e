#!/usr/bin/env node
// Projections catch-up: events per second while a ProjectionRunner over allProjections catches
// up from zero on N events (default 1,000,000) spread over realistic streams, on the PostgreSQL
// server, against two baselines in the same run and database:
//   A. COPY … FROM STDIN of the same final rows into an empty copy of the same tables (the
//      physical limit);
//   B. the seeds/001 design: the same facts as plain rows, its four triggers keeping
//      statistics and timeline.
// Optionally (--rebuild, or --only rebuild without the other baselines): the throughput of a
// zero-downtime rebuild (ProjectionAdmin) of patient_statistics and patient_timeline, each beside
// a COPY of that projection's final rows.
// Plus the peak RSS of the process doing each piece of work. Plain ESM JavaScript so it runs
// without a build step of its own: `node bench/projections/run.mjs --help`. See bench/README.md.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { admin, databaseUrl, ensureBuilt as ensureBuiltShared } from '../lib.mjs';
import { copyBaseline } from './copy-baseline.mjs';
import { loadDomain, sizesFor, workload } from './generate.mjs';
import { SEED_SCHEMA, seedTables } from './seed-design.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const BUILT = [
  'dist/projections/index.js',
  'dist/libs/projection-engine/runner.js',
  'dist/libs/domain/commands.js',
  'dist/apps/cli/import/legacy-schema.js',
];

const USAGE = `usage: node bench/projections/run.mjs [options]

  --events <n>       events in the log (default 1000000; 20000 is a quick run)
  --seed <n>         seed of the workload generator (default 1)
  --batch <n>        events per transaction of the seed-trigger baseline (default 500: the
                     runner's batches, which are one subscription page)
  --load-lanes <n>   concurrent appenders while loading the log (default 1: the same log
                     order on every run; more gave no gain on a loaded 2-core machine)
  --timeout <s>      longest each measured phase may take (default 3600)
  --server <url>     PostgreSQL server, any database the user may CREATE DATABASE from
                     (default postgres://postgres@127.0.0.1:5432/postgres)
  --out <dir>        where the JSON results go (default bench/results)
  --no-build         never run \`npm run build\` (fail if dist/ is missing)
  --cpu-prof <dir>   write a V8 CPU profile of each worker process (projections, seed
                     triggers) to <dir> (node --cpu-prof; costs a few % of speed)
  --sql-profile      time every statement the workers send, by statement shape (in the JSON)
  --rebuild          after the other phases, time a zero-downtime rebuild (ProjectionAdmin:
                     build in a shadow schema, verify against an independent replay, swap) of
                     patient_statistics, then patient_timeline, each in a fresh process, each
                     beside a COPY of that projection's final rows
  --only <phase>     load:    only load the log, keep the database (prints its name)
                     rebuild: load (or reuse --database), catch up only the rebuilt projections
                              (not a figure), then the rebuild phase; no other baselines;
                              results in projections-rebuild-<date>.json
  --database <name>  reuse a log loaded by \`--only load\` (same --events and --seed), with --only rebuild
  --template <name>  copy a log loaded by \`--only load\` (CREATE DATABASE … TEMPLATE, ~1 min at
                     1M events) instead of loading one; the template is kept for the next run
  --keep             do not drop the database at the end (prints its name)
  -h, --help`;

// ---------------------------------------------------------------- options

function options() {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      batch: { type: 'string', default: '500' },
      timeout: { type: 'string', default: '3600' },
      'load-lanes': { type: 'string', default: '1' },
      server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: join(ROOT, 'bench/results') },
      'no-build': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'sql-profile': { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      only: { type: 'string' },
      database: { type: 'string' },
      template: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (
    /** @type {'events' | 'seed' | 'batch' | 'timeout' | 'load-lanes'} */ name,
    /** @type {number} */ min,
    /** @type {number} */ max,
  ) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
  if (!/^postgres(ql)?:\/\//.test(values.server)) fail('--server must be a postgres:// URL');
  if (values.only !== undefined && !['load', 'rebuild'].includes(values.only)) fail('--only must be load or rebuild');
  if (values.database !== undefined && !/^caretrack_benchproj_[a-z0-9_]+$/.test(values.database))
    fail('--database must name a caretrack_benchproj_… database');
  if (values.template !== undefined && !/^caretrack_benchproj_[a-z0-9_]+$/.test(values.template))
    fail('--template must name a caretrack_benchproj_… database');
  return {
    events: int('events', 1000, 10_000_000),
    seed: int('seed', 0, 2 ** 32 - 1),
    batch: int('batch', 1, 100_000),
    timeoutS: int('timeout', 10, 86_400),
    loadLanes: int('load-lanes', 1, 16),
    server: values.server,
    outDir: resolve(values.out),
    build: !values['no-build'],
    cpuProfDir: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
    keep: values.keep,
    sqlProfile: values['sql-profile'],
    only: values.only ?? null,
    rebuild: values.rebuild || values.only === 'rebuild',
    database: values.database ?? null,
    template: values.template ?? null,
  };
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------- cleanup and signals

let aborted = false;
/** @type {{ name: string, run: () => Promise<unknown> }[]} */
const cleanups = [];
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!aborted) console.error(`\nbench: ${signal}: stopping, then cleaning up`);
    aborted = true;
    for (const child of children) child.kill('SIGTERM');
  });
}

async function runCleanups() {
  while (cleanups.length > 0) {
    const { name, run } = /** @type {(typeof cleanups)[number]} */ (cleanups.pop());
    try {
      await run();
    } catch (error) {
      console.error(`bench: cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const log = (/** @type {string} */ text) => console.error(`bench: ${text}`);
const ensureBuilt = (/** @type {boolean} */ build) => ensureBuiltShared({ build, builtFiles: BUILT, log });
const round = (/** @type {number | null | undefined} */ n, digits = 2) =>
  n == null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (/** @type {number | null | undefined} */ bytes) => (bytes == null ? null : round(bytes / 2 ** 20, 0));

// ---------------------------------------------------------------- build

// ---------------------------------------------------------------- database

// ---------------------------------------------------------------- phases

function vmHwmBytes() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The bench's master key of personal data (its databases only; the workers open the same key store). */
export const BENCH_DATA_KEY = Buffer.alloc(32, 0x42).toString('base64');

/**
 * Appends the workload through the event store (not measured). The loader's connections use
 * synchronous_commit=off: the load is not a figure, and the measured phases run with the
 * server's settings.
 * @param {{ url: string, events: number, seed: number, loadLanes: number }} options
 */
async function loadLog({ url, events, seed, loadLanes }) {
  const { openDatabase } = await import(pathToFileURL(join(ROOT, 'dist/libs/read-store/connection.js')).href);
  const { createPostgresEventStore } = await import(
    pathToFileURL(join(ROOT, 'dist/libs/event-store/postgres/postgres-event-store.js')).href
  );
  const { KeyStore, MasterKey, encryptEvent } = await import(
    pathToFileURL(join(ROOT, 'dist/libs/personal-data/index.js')).href
  );
  const connection = await openDatabase({ kind: 'server', url });
  try {
    const store = await createPostgresEventStore({ connection });
    // Personal fields are stored encrypted, as the API stores them (SPEC §9): one data key per patient.
    const keyStore = await KeyStore.open(connection.db, {
      masterKey: { key: MasterKey.parse(BENCH_DATA_KEY), origin: 'the bench' },
    });
    const domain = await loadDomain(ROOT);
    /** @type {Record<string, number>} */
    const counts = {};
    /** @type {Set<string>} */
    const streams = new Set();
    let appended = 0;
    let appends = 0;
    let maxAppend = 0;
    /** @type {unknown} */
    let failure = null;
    // Lanes: the streams of one patient always go to the same lane, in order (so a patient is
    // registered before anything refers to them); doctors, registered first, before any lane
    // starts. Each lane appends one chunk at a time; while the appends are in flight the
    // generator makes the next chunks. One lane gives a log order that is the same on every
    // run; with more, the order between patients depends on timing.
    const lanes = Array.from({ length: loadLanes }, () => ({ tail: Promise.resolve(), queued: 0 }));
    const laneOf = (/** @type {string} */ streamId) => {
      const m = /-p(\d+)/.exec(streamId);
      return m ? Number(m[1]) % loadLanes : -1;
    };
    const append = async (
      /** @type {{ streamId: string, expectedRevision: bigint | string, events: { id: string, type: string, data: object }[] }} */ chunk,
    ) => {
      const sealed = await Promise.all(chunk.events.map((event) => encryptEvent(event, keyStore)));
      await store.appendToStream(chunk.streamId, sealed, { expectedRevision: chunk.expectedRevision });
      appended += chunk.events.length;
      appends += 1;
      maxAppend = Math.max(maxAppend, chunk.events.length);
    };
    const t0 = performance.now();
    let nextReport = t0 + 15_000;
    for (const chunk of workload({ n: events, seed, domain, counts })) {
      if (aborted) throw new Error('aborted');
      if (failure) throw failure;
      streams.add(chunk.streamId);
      const index = laneOf(chunk.streamId);
      if (index < 0) {
        await Promise.all(lanes.map((l) => l.tail));
        await append(chunk);
        continue;
      }
      const lane = /** @type {(typeof lanes)[number]} */ (lanes[index]);
      if (lane.queued >= 64) await lane.tail;
      lane.queued += 1;
      lane.tail = lane.tail.then(() => append(chunk)).finally(() => (lane.queued -= 1));
      lane.tail.catch((error) => (failure ??= error));
      if (performance.now() >= nextReport) {
        nextReport += 15_000;
        const s = (performance.now() - t0) / 1000;
        log(`load ${s.toFixed(0)} s: ${appended} of ${events} events (${Math.round(appended / s)}/s)`);
      }
    }
    await Promise.all(lanes.map((l) => l.tail));
    const seconds = (performance.now() - t0) / 1000;
    const head = await store.headPosition();
    if (Number(head) !== events || appended !== events)
      throw new Error(`load: appended ${appended}, head ${head}, expected ${events}`);
    /** @type {Record<string, number>} */
    const byPrefix = {};
    for (const s of streams) {
      const prefix = s.slice(0, s.indexOf('-'));
      byPrefix[prefix] = (byPrefix[prefix] ?? 0) + 1;
    }
    return {
      seconds: round(seconds, 1),
      events: appended,
      appends,
      lanes: loadLanes,
      eventsPerAppend: round(appended / appends, 2),
      maxEventsPerAppend: maxAppend,
      streams: byPrefix,
      eventTypes: Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1])),
      loaderPeakRssBytes: vmHwmBytes() ?? process.memoryUsage().rss,
    };
  } finally {
    await connection.close();
  }
}

/**
 * --database: a log loaded by an earlier `--only load` run (same --events and --seed).
 * @param {pg.Client} client @param {{ events: number }} opts
 */
async function reusedLog(client, opts) {
  const { rows } = await client.query(
    `SELECT count(*)::bigint AS n, max(position)::bigint AS head FROM caretrack_events.events`,
  );
  const events = Number(rows[0].n);
  if (events !== opts.events || Number(rows[0].head) !== opts.events)
    throw new Error(`--database: the log holds ${events} events (head ${rows[0].head}), expected ${opts.events}`);
  const { rows: meta } = await client.query(
    `SELECT COALESCE(to_regclass('caretrack_projections.checkpoints')::text, '') AS t`,
  );
  if (meta[0].t !== '')
    throw new Error('--database: projections already ran in this database; load a fresh log (--only load)');
  const types = await client.query(
    `SELECT type, count(*)::bigint AS n FROM caretrack_events.events GROUP BY type ORDER BY 2 DESC`,
  );
  const streams = await client.query(
    `SELECT split_part(stream_id, '-', 1) AS prefix, count(DISTINCT stream_id)::bigint AS n FROM caretrack_events.events GROUP BY 1`,
  );
  return {
    reused: true,
    seconds: null,
    appends: null,
    streams: Object.fromEntries(streams.rows.map((r) => [r.prefix, Number(r.n)])),
    events,
    eventTypes: Object.fromEntries(types.rows.map((r) => [r.type, Number(r.n)])),
  };
}

/**
 * Runs worker.mjs in a fresh process for one measured piece of work; resolves with its result
 * (worker.mjs's ProjectionsResult, RebuildResult, LogReadResult or SeedTriggersResult by mode).
 * @param {{ mode: string } & Record<string, unknown>} params @param {string | null} cpuProfDir
 * @returns {Promise<unknown>}
 */
function runWorker(params, cpuProfDir) {
  return new Promise((ok, ko) => {
    const child = fork(join(HERE, 'worker.mjs'), [JSON.stringify({ root: ROOT, ...params })], {
      cwd: ROOT,
      execArgv: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    /** @type {{ ok: boolean, result?: unknown, error?: string } | undefined} */
    let message;
    child.on('message', (m) => (message = /** @type {typeof message} */ (m)));
    child.on('error', ko);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (message?.ok) ok(message.result);
      else ko(new Error(message?.error ?? `worker (${params.mode}) exited ${code ?? signal} without a result`));
    });
  });
}

/** @param {pg.Client} client @param {string} schema @param {string[]} tables */
async function tableStats(client, schema, tables) {
  /** @type {Record<string, { rows: number, bytes: number }>} */
  const out = {};
  for (const t of tables) {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM ${schema}."${t}")::bigint AS n, pg_total_relation_size('${schema}."${t}"')::bigint AS bytes`,
    );
    out[t] = { rows: Number(rows[0].n), bytes: Number(rows[0].bytes) };
  }
  return out;
}

// ---------------------------------------------------------------- report

/** @param {{ method: string, seconds: number | null, eventsPerSecond: number | null, ratioToProjections: number | null, peakRssMiB: number | null, rssOf: string }[]} rows */
function markdown(rows) {
  const f = (/** @type {unknown} */ n) =>
    n == null ? '–' : typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(n);
  const lines = [
    '| method | seconds | events/s | ratio to projections | peak RSS MiB | what the peak RSS is of |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.method} | ${f(r.seconds)} | ${f(r.eventsPerSecond)} | ${f(r.ratioToProjections)} | ${f(r.peakRssMiB)} | ${r.rssOf} |`,
    );
  return lines.join('\n');
}

/** The opening step (decryption, once per batch for every projection) against the apply time. */
/**
 * @param {{ seconds: number, events: number, batches: number } | null | undefined} opening
 * @param {Record<string, { applySeconds: number }>} perProjection @param {number} seconds
 */
function openingLine(opening, perProjection, seconds) {
  if (!opening) return '';
  const apply = Object.values(perProjection).reduce((sum, p) => sum + p.applySeconds, 0);
  return `decrypt (the runner's opening step, once per batch): ${round(opening.seconds, 2)} s for ${opening.events} events in ${opening.batches} batches = ${round((1e6 * opening.seconds) / Math.max(1, opening.events), 2)} µs/event; ${round((100 * opening.seconds) / apply, 2)} % of the summed apply time, ${round((100 * opening.seconds) / seconds, 2)} % of the catch-up`;
}

/** @param {Record<string, { applySeconds: number, batches: number, events: number }>} perProjection @param {number} seconds */
function projectionTable(perProjection, seconds) {
  const lines = ['| projection | apply s | share of catch-up | batches | events |', '|---|---:|---:|---:|---:|'];
  const sorted = Object.entries(perProjection).sort((a, b) => b[1].applySeconds - a[1].applySeconds);
  let sum = 0;
  for (const [name, p] of sorted) {
    sum += p.applySeconds;
    lines.push(
      `| ${name} | ${round(p.applySeconds, 1)} | ${round((100 * p.applySeconds) / seconds, 1)} % | ${p.batches} | ${p.events} |`,
    );
  }
  lines.push(
    `| (sum of the above; the projections run concurrently, so it may exceed the catch-up) | ${round(sum, 1)} | ${round((100 * sum) / seconds, 1)} % | | |`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------- rebuild phase

const REBUILT = ['patient_statistics', 'patient_timeline'];

/** @param {string} serverVersion @param {Record<string, string>} serverSettings @param {(number | null)[]} loadAtStart */
function machineInfo(serverVersion, serverSettings, loadAtStart) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    postgres: serverVersion,
    postgresSettings: serverSettings,
    loadAverage: { start: loadAtStart, end: os.loadavg().map((x) => round(x)) },
  };
}

/**
 * After the catch-up (live tables at the head): for each projection of REBUILT, a fresh process
 * times ProjectionAdmin.startRebuild + settled; then the final rows of that projection's tables
 * are loaded with COPY into empty copies (schema bench_copy_<name>), the physical floor.
 * @param {{ opts: ReturnType<typeof options>, url: string, client: pg.Client, settle: () => Promise<void> }} phase
 */
async function rebuildPhase({ opts, url, client, settle }) {
  const { allProjections } = await import(pathToFileURL(join(ROOT, 'dist/projections/index.js')).href);
  const n = opts.events;
  const rows = [];
  /** @type {Record<string, object>} */
  const details = {};
  for (const name of REBUILT) {
    if (aborted) throw new Error('aborted');
    const projection = allProjections.find((/** @type {{ name: string }} */ p) => p.name === name);
    log(`rebuild ${name}: ProjectionAdmin.startRebuild + settled in a fresh process (measured)`);
    const r = /** @type {import('./worker.mjs').RebuildResult} */ (
      await runWorker({ mode: 'rebuild', url, events: n, timeoutS: opts.timeoutS, projection: name }, opts.cpuProfDir)
    );
    log(
      `rebuild ${name}: ${round(r.seconds, 1)} s (build ${round(r.buildSeconds, 1)}, verify ${round(r.verifySeconds, 1)}, swap ${round(r.swapSeconds, 2)}), ${r.progress.processed} events, peak RSS ${mib(r.peakRssBytes)} MiB`,
    );
    await settle();
    log(`rebuild ${name}: COPY baseline of its final rows (measured)`);
    const copy = await copyBaseline({
      url,
      projections: [projection],
      query: (sql) => client.query(sql),
      timeoutMs: opts.timeoutS * 1000,
      log,
      schema: `bench_copy_${name}`,
    });
    log(`rebuild ${name}: COPY ${copy.totalRows} rows in ${round(copy.seconds, 2)} s`);
    await settle();
    log(`rebuild ${name}: reading its events from the log (measured)`);
    const read = /** @type {import('./worker.mjs').LogReadResult} */ (
      await runWorker({ mode: 'log-read', url, events: n, timeoutS: opts.timeoutS, projection: name }, opts.cpuProfDir)
    );
    log(`rebuild ${name}: read ${read.ownEvents} events in ${round(read.seconds, 2)} s`);
    await settle();
    const own = r.progress.processed;
    details[name] = { ...r, copy, logRead: read };
    rows.push({
      projection: name,
      seconds: round(r.seconds, 1),
      buildSeconds: round(r.buildSeconds, 1),
      verifySeconds: round(r.verifySeconds, 1),
      swapSeconds: round(r.swapSeconds, 2),
      verifyAndSwapSeconds: round(r.verifyAndSwapSeconds, 1),
      ownEvents: own,
      eventsPerSecondLog: round(n / r.seconds, 0),
      eventsPerSecondOwn: round(own / r.seconds, 0),
      buildEventsPerSecondOwn: r.buildSeconds ? round(own / r.buildSeconds, 0) : null,
      peakRssMiB: mib(r.peakRssBytes),
      copyRows: copy.totalRows,
      copyTables: Object.keys(copy.tables).length,
      copyMethod: copy.method,
      copySeconds: round(copy.seconds, 2),
      copyEventsPerSecondLog: round(n / copy.seconds, 0),
      rebuildOverCopy: round(r.seconds / copy.seconds, 1),
      logReadSeconds: round(read.seconds, 2),
      rebuildOverReadAndCopy: round(r.seconds / (read.seconds + copy.seconds), 2),
      copyPeakRssMiB: mib(copy.peakRssBytes),
    });
  }
  return { events: n, rows, details };
}

/** @param {Awaited<ReturnType<typeof rebuildPhase>>['rows']} rows */
function rebuildTable(rows) {
  const f = (/** @type {unknown} */ x) =>
    x == null ? '–' : typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(x);
  const lines = [
    '| projection | rebuild s | build s | verify + index + swap s | its events | peak RSS MiB | log read of its events s | COPY rows (tables) | COPY s | rebuild ÷ (read + COPY) | rebuild ÷ COPY |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.projection} | ${f(r.seconds)} | ${f(r.buildSeconds)} | ${f(r.verifyAndSwapSeconds)} | ${f(r.ownEvents)} | ${f(r.peakRssMiB)} | ${f(r.logReadSeconds)} | ${f(r.copyRows)} (${r.copyTables}) | ${f(r.copySeconds)} | ${f(r.rebuildOverReadAndCopy)} | ${f(r.rebuildOverCopy)} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = options();
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((n) => round(n));
  const stamp = startedAt.toISOString().replace(/\D/g, '').slice(0, 14);
  const database = opts.database ?? `caretrack_benchproj_${stamp}_${process.pid}`;
  const reuse = opts.database !== null;
  const keep = opts.keep || opts.only === 'load';

  const dist = await ensureBuilt(opts.build);
  const serverVersion = (await admin(opts.server, 'SHOW server_version')).rows[0].server_version;
  /** @type {Record<string, string>} */
  const serverSettings = {};
  for (const name of ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size']) {
    serverSettings[name] = (await admin(opts.server, `SHOW ${name}`)).rows[0][name];
  }

  if (!reuse)
    await admin(
      opts.server,
      opts.template ? `CREATE DATABASE "${database}" TEMPLATE "${opts.template}"` : `CREATE DATABASE "${database}"`,
    );
  if (keep)
    cleanups.push({
      name: 'keep',
      run: async () => log(`kept database ${database} (--keep); drop it with: DROP DATABASE "${database}"`),
    });
  else
    cleanups.push({
      name: `drop database ${database}`,
      run: () => admin(opts.server, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
    });
  if (opts.cpuProfDir) await mkdir(opts.cpuProfDir, { recursive: true });
  const url = databaseUrl(opts.server, database);
  log(`database ${database}; ${opts.events} events, seed ${opts.seed}; dist ${dist}`);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push({ name: 'close the connection', run: () => client.end() });
  const settle = async () => {
    // Not measured: flush what the previous phase left in shared buffers, so a phase does not
    // pay for the one before it.
    await client.query('CHECKPOINT').catch((error) => log(`CHECKPOINT skipped: ${error.message}`));
  };

  // 1. The log.
  const sizes = sizesFor(opts.events);
  log(
    reuse
      ? `load: reusing the log of database ${database} (--database)`
      : opts.template
        ? `load: copied the log of ${opts.template} (--template)`
        : `load: ${sizes.patients} patients, ${sizes.doctors} doctors, appending through the event store (synchronous_commit=off, not measured)`,
  );
  const load =
    reuse || opts.template
      ? { ...(await reusedLog(client, opts)), ...(opts.template ? { template: opts.template } : {}) }
      : await loadLog({
          url: databaseUrl(opts.server, database, { synchronous_commit: 'off' }),
          events: opts.events,
          seed: opts.seed,
          loadLanes: opts.loadLanes,
        });
  log(
    `load: ${load.events} events in ${load.appends} appends over ${Object.values(load.streams).reduce((a, b) => a + b, 0)} streams, ${load.seconds} s`,
  );
  await client.query('VACUUM ANALYZE caretrack_events.events');
  const logBytes = Number(
    (await client.query(`SELECT pg_total_relation_size('caretrack_events.events')::bigint AS b`)).rows[0].b,
  );
  await settle();
  if (aborted) throw new Error('aborted');
  if (opts.only === 'load') {
    log(`--only load: the log is in database ${database}; go on with --database ${database} --only rebuild`);
    return;
  }

  // 2. Projections catch up from zero.
  log('projections: catch-up from zero (measured)');
  const only = opts.only === 'rebuild' ? REBUILT : undefined;
  if (only) log(`--only rebuild: the catch-up runs only ${only.join(', ')} (its time is not a figure of this mode)`);
  const catchUp = /** @type {import('./worker.mjs').ProjectionsResult} */ (
    await runWorker(
      { mode: 'projections', url, events: opts.events, timeoutS: opts.timeoutS, sqlProfile: opts.sqlProfile, only },
      opts.cpuProfDir,
    )
  );
  log(
    `projections: ${round(catchUp.seconds, 1)} s, ${catchUp.batches} batches, peak RSS ${mib(catchUp.peakRssBytes)} MiB`,
  );
  const { allProjections } = await import(pathToFileURL(join(ROOT, 'dist/projections/index.js')).href);
  const projectedTables = await tableStats(
    client,
    'public',
    allProjections
      .filter((/** @type {{ name: string }} */ p) => !only || only.includes(p.name))
      .flatMap((/** @type {{ tableNames: string[] }} */ p) => p.tableNames),
  );
  if (aborted) throw new Error('aborted');
  await settle();

  if (opts.only === 'rebuild') {
    const rebuild = await rebuildPhase({ opts, url, client, settle });
    const result = {
      benchmark: 'projections-rebuild',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: machineInfo(serverVersion, serverSettings, loadAtStart),
      settings: {
        events: opts.events,
        seed: opts.seed,
        loadLanes: opts.loadLanes,
        ...sizes,
        dist,
        database: reuse ? 'reused (--database)' : 'fresh',
      },
      load: { ...load, logBytes },
      catchUp: {
        projections: only,
        seconds: catchUp.seconds,
        batches: catchUp.batches,
        peakRssBytes: catchUp.peakRssBytes,
        perProjection: catchUp.perProjection,
        runnerLog: catchUp.logged,
        tables: projectedTables,
      },
      rebuild,
    };
    result.machine.loadAverage.end = os.loadavg().map((x) => round(x));
    await mkdir(opts.outDir, { recursive: true });
    const file = join(opts.outDir, `projections-rebuild-${opts.events}-${startedAt.toISOString().slice(0, 10)}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${rebuildTable(rebuild.rows)}\n`);
    console.log(
      `catch-up before the rebuilds (${only?.join(', ')} only, not a figure): ${round(catchUp.seconds, 1)} s`,
    );
    console.log(
      `load average (1/5/15 min): ${result.machine.loadAverage.start.join(' ')} at start, ${result.machine.loadAverage.end.join(' ')} at end`,
    );
    console.log(`results: ${relative(process.cwd(), file) || file}`);
    return;
  }

  // 3. Baseline A: COPY of the same final rows.
  log('copy baseline: the projected rows into empty copies of the tables (measured)');
  const copy = await copyBaseline({
    url,
    projections: allProjections,
    query: (sql) => client.query(sql),
    timeoutMs: opts.timeoutS * 1000,
    log,
  });
  log(`copy baseline: ${copy.totalRows} rows in ${round(copy.seconds, 1)} s`);
  if (aborted) throw new Error('aborted');
  await settle();

  // 4. Baseline B: the seeds/001 design.
  log(`seed triggers: the same facts as plain rows, ${opts.batch} events per transaction (measured)`);
  const seed = /** @type {import('./worker.mjs').SeedTriggersResult} */ (
    await runWorker(
      {
        mode: 'seed-triggers',
        url,
        events: opts.events,
        batch: opts.batch,
        timeoutS: opts.timeoutS,
        sqlProfile: opts.sqlProfile,
      },
      opts.cpuProfDir,
    )
  );
  const seedRows = await tableStats(client, SEED_SCHEMA, seedTables);
  log(`seed triggers: ${round(seed.seconds, 1)} s, peak RSS ${mib(seed.peakRssBytes)} MiB`);
  if (aborted) throw new Error('aborted');
  await settle();

  // 5. Optional: rebuilds.
  const rebuild = opts.rebuild ? await rebuildPhase({ opts, url, client, settle }) : undefined;

  // Every fact arrived: rows against the event counts of the log.
  const types = load.eventTypes;
  /** @type {[string, { rows: number } | undefined, { rows: number } | undefined, string][]} */
  const expect = [
    ['patients', projectedTables.patients, seedRows.patients, 'PatientRegistered'],
    ['doctors', projectedTables.doctors, seedRows.doctors, 'DoctorRegistered'],
    ['consultations', projectedTables.consultations, seedRows.consultations, 'ConsultationRecorded'],
    ['reports', projectedTables.report_status, seedRows.report_status, 'ReportRequested'],
    ['symptom logs', projectedTables.symptom_log_export, seedRows.symptom_log_export, 'SymptomLogged'],
    ['sessions', projectedTables.sessions, seedRows.sessions, 'SessionStarted'],
    ['session KPIs', projectedTables.session_kpis, seedRows.session_kpis, 'SessionCompleted'],
  ];
  const checks = expect.map(([what, projected, seedTable, type]) => ({
    what,
    events: types[type] ?? 0,
    projectedRows: projected?.rows ?? null,
    seedRows: seedTable?.rows ?? null,
    ok: projected?.rows === (types[type] ?? 0) && seedTable?.rows === (types[type] ?? 0),
  }));
  for (const c of checks.filter((c) => !c.ok))
    log(`WARNING: ${c.what}: ${c.events} events, ${c.projectedRows} projected rows, ${c.seedRows} seed-design rows`);

  // Figures.
  const n = opts.events;
  const perSecond = (/** @type {number} */ s) => round(n / s, 0);
  const projectionsRate = n / catchUp.seconds;
  const ratio = (/** @type {number} */ s) => round(n / s / projectionsRate, 2);
  const rows = [
    {
      key: 'projections',
      method: 'projections catch-up (ProjectionRunner, 11 projections)',
      seconds: round(catchUp.seconds, 1),
      eventsPerSecond: perSecond(catchUp.seconds),
      ratioToProjections: 1,
      peakRssMiB: mib(catchUp.peakRssBytes),
      rssOf: 'the Node process running the projections',
    },
    {
      key: 'copy',
      method: `A. ${copy.method.startsWith('COPY') ? 'COPY FROM STDIN' : 'INSERT … SELECT (server-side)'} of the final rows (${copy.totalRows.toLocaleString('en-US')} rows, ${Object.keys(copy.tables).length} tables)`,
      seconds: round(copy.seconds, 1),
      eventsPerSecond: perSecond(copy.seconds),
      ratioToProjections: ratio(copy.seconds),
      peakRssMiB: mib(copy.peakRssBytes),
      rssOf: copy.peakRssBytes == null ? '–' : 'psql (the COPY client)',
    },
    {
      key: 'seedTriggers',
      method: `B. seeds/001 design: plain rows + 4 triggers (${opts.batch} events per transaction)`,
      seconds: round(seed.seconds, 1),
      eventsPerSecond: perSecond(seed.seconds),
      ratioToProjections: ratio(seed.seconds),
      peakRssMiB: mib(seed.peakRssBytes),
      rssOf: 'the Node process writing the rows',
    },
  ];

  const result = {
    benchmark: 'projections',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(serverVersion, serverSettings, loadAtStart),
    settings: { events: n, seed: opts.seed, seedBaselineBatch: opts.batch, loadLanes: opts.loadLanes, ...sizes, dist },
    load: { ...load, logBytes },
    results: rows,
    projections: {
      seconds: catchUp.seconds,
      batches: catchUp.batches,
      eventsPerBatch: round(n / catchUp.batches, 1),
      cpuSeconds: round(catchUp.cpuSeconds, 1),
      peakRssBytes: catchUp.peakRssBytes,
      sampledPeakRssBytes: catchUp.sampledPeakRssBytes,
      vmHwmBytes: catchUp.vmHwmBytes,
      perProjection: catchUp.perProjection,
      opening: catchUp.opening,
      runnerLog: catchUp.logged,
      sqlProfile: catchUp.sqlProfile,
      tables: projectedTables,
    },
    copy,
    seedTriggers: { ...seed, tables: seedRows },
    checks,
    rebuild,
  };

  // The rate over the log: events/s of each fifth (the runner's applied position passing n·k/5).
  const fifthTimes = catchUp.fifths ?? [];
  const fifthRates = fifthTimes.map((t, k) => {
    const before = k === 0 ? 0 : fifthTimes[k - 1];
    return t == null || before == null || t <= before ? null : round(n / 5 / (t - before), 0);
  });
  const targets = {
    catchUpOverSeedTriggers: round(seed.seconds / catchUp.seconds, 2),
    lastFifthOverFirstFifth: fifthRates[0] && fifthRates[4] ? round(fifthRates[4] / fifthRates[0], 2) : null,
    fifthRates,
    peakRssMiB: mib(catchUp.peakRssBytes),
    rebuildOverReadAndCopy: rebuild
      ? Object.fromEntries(rebuild.rows.map((r) => [r.projection, r.rebuildOverReadAndCopy]))
      : null,
  };
  /** @type {typeof result & { targets?: typeof targets }} */ (result).targets = targets;
  const table = markdown(rows);
  await mkdir(opts.outDir, { recursive: true });
  const file = join(opts.outDir, `projections-${opts.events}-${startedAt.toISOString().slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${table}\n`);
  console.log(
    `Targets: catch-up ÷ seed triggers (B) = ${targets.catchUpOverSeedTriggers} (≥ 1.0); events/s by fifth of the log: ${fifthRates.join(', ')}, last ÷ first = ${targets.lastFifthOverFirstFifth} (≥ 0.8); peak RSS ${targets.peakRssMiB} MiB (≤ 512)\n`,
  );
  console.log(
    `Where the catch-up's ${round(catchUp.seconds, 1)} s go (each projection's batches: loads, fold and write transaction, wall time, concurrent with each other; ${catchUp.batches} batches of ~${round(n / catchUp.batches, 0)} events; the runner's process used ${round(catchUp.cpuSeconds, 1)} s of CPU):\n`,
  );
  console.log(`${projectionTable(catchUp.perProjection, catchUp.seconds)}\n`);
  console.log(`${openingLine(catchUp.opening, catchUp.perProjection, catchUp.seconds)}\n`);
  if (rebuild)
    console.log(
      `Rebuilds (ProjectionAdmin: shadow build, independent verification replay, swap), each beside a COPY of that projection's final rows:\n\n${rebuildTable(rebuild.rows)}\n`,
    );
  console.log(
    `log: ${n} events, ${load.appends} appends, ${mib(logBytes)} MiB; projected rows: ${Object.values(projectedTables).reduce((a, t) => a + t.rows, 0)} in ${Object.keys(projectedTables).length} tables, ${mib(Object.values(projectedTables).reduce((a, t) => a + t.bytes, 0))} MiB`,
  );
  console.log(
    `load average (1/5/15 min): ${result.machine.loadAverage.start.join(' ')} at start, ${result.machine.loadAverage.end.join(' ')} at end`,
  );
  console.log(
    `row check: ${checks.every((c) => c.ok) ? 'ok' : 'MISMATCH'} (${checks.map((c) => `${c.what} ${c.events}`).join(', ')})`,
  );
  console.log(`results: ${relative(process.cwd(), file) || file}`);
  if (!checks.every((c) => c.ok)) process.exitCode = 1;
  if (catchUp.logged.warn + catchUp.logged.error > 0)
    log(
      `the runner logged ${catchUp.logged.warn} warning(s), ${catchUp.logged.error} error(s); last:\n${catchUp.logged.last.join('\n')}`,
    );
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await runCleanups();
}
process.exit();
