#!/usr/bin/env node
// Import throughput: legacy rows per second of `caretrack import legacy` on a generated
// trigger-era database of N source rows (default 100,000), against the rate of COPYing the
// same rows into the same legacy tables (seed 001's triggers firing), measured in the same run
// on the same server. Then a second, no-op run (everything already there). Plain ESM
// JavaScript over dist/: `node bench/import/run.mjs --help`. See bench/README.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { admin, databaseUrl, ensureBuilt, ROOT } from '../lib.mjs';
import { psql } from '../projections/copy-baseline.mjs';
import { countRows, generateLegacyRows } from '../../test/fixtures/legacy/generate.mjs';

const USAGE = `usage: node bench/import/run.mjs [options]

  --rows <n>         legacy source rows (default 100000; 10000 is a quick run)
  --seed <n>         seed of the generator (default 1)
  --server <url>     PostgreSQL server the user may CREATE DATABASE on
                     (default postgres://postgres@127.0.0.1:5432/postgres)
  --timeout <s>      longest each measured phase may take (default 1800)
  --out <dir>        where the JSON result goes (default bench/results)
  --no-build         never run \`npm run build\` (fail if dist/ is missing)
  --keep             keep both databases at the end (prints their names)
  -h, --help`;

const BUILT = ['dist/apps/cli/main.js', 'dist/apps/cli/import/legacy-schema.js'];
const log = (/** @type {string} */ text) => console.error(`bench: ${text}`);
const round = (/** @type {number | null | undefined} */ n, digits = 2) =>
  n == null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

function options() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      timeout: { type: 'string', default: '1800' },
      out: { type: 'string', default: join(ROOT, 'bench/results') },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const rows = Number(values.rows);
  const timeoutS = Number(values.timeout);
  if (!Number.isInteger(rows) || rows < 100) fail('--rows must be an integer ≥ 100');
  if (!(timeoutS > 0)) fail('--timeout must be a positive number of seconds');
  return {
    rows,
    seed: Number(values.seed),
    server: values.server,
    timeoutS,
    out: values.out,
    build: !values['no-build'],
    keep: values.keep,
  };
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------- cleanup and signals

/** @typedef {{ name: string, run: () => Promise<unknown> }} Cleanup */

let aborted = false;
/** @type {Cleanup[]} */
const cleanups = [];
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    if (!aborted) console.error(`\nbench: ${signal}: stopping, then cleaning up`);
    aborted = true;
    for (const child of children) child.kill('SIGTERM');
  });

async function runCleanups() {
  while (cleanups.length > 0) {
    const { name, run } = /** @type {Cleanup} */ (cleanups.pop());
    try {
      await run();
    } catch (error) {
      console.error(`bench: cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

// ---------------------------------------------------------------- COPY text

/**
 * A value in COPY's text format.
 * @param {unknown} value
 */
function copyValue(value) {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * Writes one COPY text file per table (not timed); returns the \copy commands, parents first.
 * @param {string} dir @param {Record<string, Record<string, unknown>[]>} tables
 * @param {(table: string) => { columns: readonly (readonly [string, string])[] }} legacyTable apps/cli/import/legacy-schema.ts's
 */
async function copyFiles(dir, tables, legacyTable) {
  /** @type {{ table: string, rows: number, command: string }[]} */
  const commands = [];
  let bytes = 0;
  for (const [table, rows] of Object.entries(tables)) {
    const columns = legacyTable(table)
      .columns.map(([c]) => c)
      .filter((c) => rows.some((r) => Object.hasOwn(r, c)));
    const file = join(dir, `${table}.copy`);
    const text = rows.map((r) => columns.map((c) => copyValue(r[c])).join('\t')).join('\n') + (rows.length ? '\n' : '');
    bytes += Buffer.byteLength(text);
    await writeFile(file, text);
    commands.push({
      table,
      rows: rows.length,
      command: `\\copy "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM '${file}'`,
    });
  }
  return { commands, bytes };
}

// ---------------------------------------------------------------- the import, as a user runs it

// The master key of personal data the import encrypts with (SPEC §9), as the service would have it.
const DATA_KEY = randomBytes(32).toString('base64');

/**
 * @param {string} legacyUrl @param {string} targetUrl @param {number} timeoutS @param {string[]} [extra]
 * @returns {Promise<{ seconds: number, report: import('../../apps/cli/import/import-report.js').ImportReport, exitCode: number | null, peakRssBytes: number | null }>}
 */
function runImport(legacyUrl, targetUrl, timeoutS, extra = []) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      ['dist/apps/cli/main.js', 'import', 'legacy', '--from', legacyUrl, '--json', ...extra],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: targetUrl, DATA_KEY, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    let out = '';
    let err = '';
    let peak = 0;
    const sampler = setInterval(async () => {
      try {
        const { readFile } = await import('node:fs/promises');
        const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        // exited
      }
    }, 100);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutS * 1000);
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      children.delete(child);
      const seconds = (performance.now() - t0) / 1000;
      // exit 1: some rows rejected (the generator makes a few on purpose)
      if (code !== 0 && code !== 1)
        return reject(new Error(`import exited ${code ?? signal}: ${err.trim().slice(-2000)}`));
      try {
        resolve({ seconds, report: JSON.parse(out), exitCode: code, peakRssBytes: peak || null });
      } catch (error) {
        reject(
          new Error(
            `import printed no JSON report: ${error instanceof Error ? error.message : String(error)}\n${out.slice(0, 500)}\n${err.slice(-1000)}`,
          ),
        );
      }
    });
  });
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = options();
  const loadAtStart = os.loadavg().map((n) => round(n));
  const dist = await ensureBuilt({ build: opts.build, builtFiles: BUILT, log });
  const { legacyDdl, legacyTable } = await import(
    pathToFileURL(join(ROOT, 'dist/apps/cli/import/legacy-schema.js')).href
  );

  log(`generating ${opts.rows.toLocaleString('en')} legacy rows (seed ${opts.seed}, not measured)`);
  const tables = generateLegacyRows({ rows: opts.rows, seed: opts.seed });
  const total = countRows(tables);

  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const legacyDb = `caretrack_benchimport_${stamp}_${process.pid}_legacy`;
  const targetDb = `caretrack_benchimport_${stamp}_${process.pid}`;
  for (const name of [legacyDb, targetDb]) {
    await admin(opts.server, `CREATE DATABASE ${name}`);
    if (!opts.keep)
      cleanups.push({
        name: `drop ${name}`,
        run: () => admin(opts.server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      });
  }
  const legacyUrl = databaseUrl(opts.server, legacyDb);
  const targetUrl = databaseUrl(opts.server, targetDb);
  const client = new pg.Client({ connectionString: legacyUrl });
  await client.connect();
  cleanups.push({ name: 'close legacy connection', run: () => client.end() });
  for (const statement of legacyDdl) await client.query(statement);
  const {
    rows: [server],
  } =
    await client.query(`SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers,
      current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync`);

  // 1. COPY the rows into the legacy tables (measured): one psql session, \copy per table, triggers firing.
  const dir = await mkdtemp(join(os.tmpdir(), 'caretrack-benchimport-'));
  cleanups.push({ name: 'remove COPY files', run: () => rm(dir, { recursive: true, force: true }) });
  const { commands, bytes } = await copyFiles(dir, tables, legacyTable);
  await client.query('CHECKPOINT').catch(() => log('CHECKPOINT not allowed; going on'));
  log(
    `COPY: ${total.toLocaleString('en')} rows (${(bytes / 2 ** 20).toFixed(1)} MiB as text) into the legacy tables, triggers on (measured)`,
  );
  const copied = await psql(legacyUrl, ['\\timing on', ...commands.map((c) => c.command)].join('\n') + '\n', {
    timeoutMs: opts.timeoutS * 1000,
  });
  const copyTimes = [...copied.out.matchAll(/Time: ([\d.]+) ms/g)].map((m) => Number(m[1]) / 1000);
  const perTableCopy = Object.fromEntries(
    commands.map((c, i) => [c.table, { rows: c.rows, seconds: round(copyTimes[i] ?? null, 3) }]),
  );
  const { rows: triggerRows } = await client.query(
    `SELECT (SELECT count(*) FROM patient_statistics)::int AS statistics, (SELECT count(*) FROM patient_timeline)::int AS timeline`,
  );
  await client.query('ANALYZE');
  await client.query('CHECKPOINT').catch(() => undefined);
  if (aborted) throw new Error('aborted');

  // 2. The import's own work without appending (measured): read, validate, decide (--dry-run).
  log('dry run: caretrack import legacy --dry-run (measured: reads and decides, appends nothing)');
  const dry = await runImport(legacyUrl, targetUrl, opts.timeoutS, ['--dry-run']);
  if (aborted) throw new Error('aborted');

  // 3. The import (measured): the CLI as a user runs it, in its own process, into an empty log.
  log('import: caretrack import legacy (measured, own process)');
  const first = await runImport(legacyUrl, targetUrl, opts.timeoutS);
  log(
    `import: ${round(first.seconds, 1)} s, ${first.report.events.toLocaleString('en')} events, ${first.report.rejected.length} rows rejected`,
  );
  if (aborted) throw new Error('aborted');
  await admin(targetUrl, 'CHECKPOINT').catch(() => undefined);

  // 4. The same import again (measured): everything is there, nothing is appended.
  log('rerun: caretrack import legacy again (measured; appends nothing)');
  const second = await runImport(legacyUrl, targetUrl, opts.timeoutS);

  // Checks.
  const target = new pg.Client({ connectionString: targetUrl });
  await target.connect();
  const {
    rows: [{ events }],
  } = await target.query('SELECT count(*)::int AS events FROM caretrack_events.events');
  await target.end();
  const tally = Object.fromEntries(first.report.tables.map((t) => [t.table, t]));
  const checks = [
    {
      what: 'events in the log = events the first run reported',
      ok: events === first.report.events,
      detail: `${events} / ${first.report.events}`,
    },
    { what: 'the second run appended nothing', ok: second.report.events === 0, detail: String(second.report.events) },
    {
      what: 'the dry run wrote nothing and planned the same events',
      ok: dry.report.events === first.report.events && dry.report.dryRun,
      detail: `${dry.report.events}`,
    },
    {
      what: 'every generated row was counted',
      ok: Object.entries(tables).every(([t, rows]) => tally[t]?.rows === rows.length),
      detail: '',
    },
    {
      what: 'second run: every row already there or rejected',
      ok: second.report.tables.every((t) => t.imported === 0 && t.alreadyThere + t.rejected === t.rows),
      detail: '',
    },
  ];

  const copySeconds = copied.seconds;
  const copyRate = total / copySeconds;
  const importRate = total / first.seconds;
  const result = {
    benchmark: 'import',
    date: new Date().toISOString(),
    settings: { rows: opts.rows, seed: opts.seed, server: opts.server.replace(/\/\/[^@]*@/, '//'), dist },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      postgres: server,
      loadAverage: { start: loadAtStart, end: os.loadavg().map((x) => round(x)) },
    },
    workload: Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length])),
    copy: {
      seconds: round(copySeconds, 3),
      rowsPerSecond: round(copyRate, 0),
      bytes,
      perTable: perTableCopy,
      triggerRows: triggerRows[0],
      peakRssBytes: copied.peakRssBytes,
    },
    import: {
      seconds: round(first.seconds, 3),
      reportedSeconds: round(first.report.seconds, 3),
      rowsPerSecond: round(importRate, 0),
      events: first.report.events,
      appends: first.report.appends,
      waves: first.report.waves,
      meanAppendMs: round(((first.report.seconds - dry.report.seconds) * 1000) / Math.max(1, first.report.appends), 2),
      // one appendToStreams call per wave: what the run took beyond the dry run, per call
      meanWaveMs: round(((first.report.seconds - dry.report.seconds) * 1000) / Math.max(1, first.report.waves), 1),
      rejected: first.report.rejected.length,
      peakRssBytes: first.peakRssBytes,
      tables: first.report.tables,
    },
    dryRun: {
      seconds: round(dry.seconds, 3),
      rowsPerSecond: round(total / dry.seconds, 0),
      events: dry.report.events,
      peakRssBytes: dry.peakRssBytes,
    },
    rerun: {
      seconds: round(second.seconds, 3),
      rowsPerSecond: round(total / second.seconds, 0),
      events: second.report.events,
      peakRssBytes: second.peakRssBytes,
    },
    ratio: round(importRate / copyRate, 3),
    target: 0.2,
    checks,
  };
  await mkdir(opts.out, { recursive: true });
  const file = join(opts.out, `import-${result.date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);

  const mib = (/** @type {number | null} */ b) => (b == null ? '–' : String(Math.round(b / 2 ** 20)));
  console.log(`\n| method | seconds | rows/s | ratio to COPY | peak RSS MiB |`);
  console.log(`|---|---:|---:|---:|---:|`);
  console.log(
    `| COPY into the legacy tables (${total.toLocaleString('en')} rows, triggers on) | ${round(copySeconds, 2)} | ${Math.round(copyRate).toLocaleString('en')} | 1 | ${mib(copied.peakRssBytes)} |`,
  );
  console.log(
    `| caretrack import legacy --dry-run (reads and decides, appends nothing) | ${round(dry.seconds, 2)} | ${Math.round(total / dry.seconds).toLocaleString('en')} | ${round(total / dry.seconds / copyRate, 3)} | ${mib(dry.peakRssBytes)} |`,
  );
  console.log(
    `| caretrack import legacy (${first.report.events.toLocaleString('en')} events, ${first.report.appends.toLocaleString('en')} appends in ${first.report.waves.toLocaleString('en')} appendToStreams calls) | ${round(first.seconds, 2)} | ${Math.round(importRate).toLocaleString('en')} | ${round(importRate / copyRate, 3)} | ${mib(first.peakRssBytes)} |`,
  );
  console.log(
    `| the same import again (appends nothing) | ${round(second.seconds, 2)} | ${Math.round(total / second.seconds).toLocaleString('en')} | ${round(total / second.seconds / copyRate, 3)} | ${mib(second.peakRssBytes)} |`,
  );
  console.log(`\ntarget: import ≥ 0.2 × COPY — ${(result.ratio ?? 0) >= 0.2 ? 'met' : 'NOT met'} (${result.ratio})`);
  for (const c of checks)
    console.log(`check: ${c.ok ? 'ok' : 'FAILED'} — ${c.what}${c.detail ? ` (${c.detail})` : ''}`);
  console.log(
    `load average (1/5/15 min): ${result.machine.loadAverage.start.join(' ')} at start, ${result.machine.loadAverage.end.join(' ')} at end`,
  );
  console.log(`results: ${relative(ROOT, file)}`);
  if (opts.keep) console.log(`kept databases: ${legacyDb}, ${targetDb}`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}

main()
  .catch((error) => {
    console.error(`bench: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(runCleanups);
