// Baseline A: the physical limit. The final rows of every table the projections own are
// exported (not timed) and loaded with `COPY … FROM STDIN` into a second, empty copy of the
// same tables (same DDL, indexes included) in schema `bench_copy`. The load runs in one psql
// session (`\copy … FROM 'file'`, which is COPY FROM STDIN on the wire); its wall time is the
// figure. Without psql on the PATH it falls back to a server-side `INSERT INTO bench_copy.t
// SELECT * FROM public.t` per table, and says so in the result.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

export const COPY_SCHEMA = 'bench_copy';

const quote = (/** @type {string} */ name) => `"${name.replace(/"/g, '""')}"`;

function hasPsql() {
  const r = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Runs a psql script; resolves with stdout, wall seconds and psql's peak RSS (VmHWM, sampled).
 * @param {string} url @param {string} script @param {{ timeoutMs: number }} options
 * @returns {Promise<{ out: string, seconds: number, peakRssBytes: number | null }>}
 */
export function psql(url, script, { timeoutMs }) {
  return new Promise((ok, ko) => {
    const t0 = performance.now();
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let peak = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        // exited, or no /proc
      }
    };
    const sampler = setInterval(sample, 100);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', ko);
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0) ok({ out, seconds, peakRssBytes: peak || null });
      else ko(new Error(`psql exited ${code ?? signal}: ${err.trim().slice(0, 2000)}`));
    });
    child.stdin.end(script);
  });
}

/** @typedef {(sql: string) => Promise<{ rows: Record<string, unknown>[] }>} Query */

/**
 * @param {{ url: string, projections: readonly { tableNames: string[], tables: string[] }[], query: Query, timeoutMs: number, log: (s: string) => void, schema?: string }} options
 */
export async function copyBaseline({ url, projections, query, timeoutMs, log, schema = COPY_SCHEMA }) {
  const COPY_SCHEMA = schema;
  const tables = projections.flatMap((p) => p.tableNames);
  const ddl = projections.flatMap((p) => p.tables);
  const psqlVersion = hasPsql();

  // The empty copy of the tables: same DDL, in its own schema (not timed).
  await query(`CREATE SCHEMA ${COPY_SCHEMA}`);
  await query(`SET search_path = ${COPY_SCHEMA}`);
  try {
    for (const statement of ddl) await query(statement);
  } finally {
    await query('SET search_path = "$user", public');
  }

  /** @type {Record<string, number>} */
  const rowCounts = {};
  for (const t of tables)
    rowCounts[t] = Number((await query(`SELECT count(*) AS n FROM public.${quote(t)}`)).rows[0]?.n);
  const totalRows = Object.values(rowCounts).reduce((a, b) => a + b, 0);

  if (!psqlVersion) {
    log('copy baseline: psql not found; falling back to server-side INSERT … SELECT');
    const t0 = performance.now();
    for (const t of tables) await query(`INSERT INTO ${COPY_SCHEMA}.${quote(t)} SELECT * FROM public.${quote(t)}`);
    const seconds = (performance.now() - t0) / 1000;
    await verify(query, tables, rowCounts, COPY_SCHEMA);
    return {
      method: 'server-side INSERT … SELECT (psql not found: no COPY FROM STDIN client)',
      seconds,
      tables: rowCounts,
      totalRows,
      peakRssBytes: null,
    };
  }

  const dir = await mkdtemp(join(os.tmpdir(), 'caretrack-benchproj-copy-'));
  try {
    // Export (not timed): COPY (SELECT * FROM public.t) TO STDOUT, one text file per table.
    const files = Object.fromEntries(tables.map((t) => [t, join(dir, `${t}.copy`)]));
    const exported = await psql(
      url,
      tables.map((t) => `\\copy (SELECT * FROM public.${quote(t)}) TO '${files[t]}'`).join('\n') + '\n',
      { timeoutMs },
    );
    let bytes = 0;
    for (const t of tables) bytes += (await stat(/** @type {string} */ (files[t]))).size;
    log(
      `copy baseline: exported ${totalRows} rows (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${exported.seconds.toFixed(1)} s; loading with COPY FROM STDIN`,
    );

    // Import (timed): one psql session, COPY FROM STDIN per table, each its own transaction.
    const script =
      [
        `SET search_path = ${COPY_SCHEMA};`,
        '\\timing on',
        ...tables.map((t) => `\\copy ${quote(t)} FROM '${files[t]}'`),
      ].join('\n') + '\n';
    await writeFile(join(dir, 'import.sql'), script);
    const imported = await psql(url, script, { timeoutMs });
    const times = [...imported.out.matchAll(/Time: ([\d.]+) ms/g)].map((m) => Number(m[1]) / 1000);
    /** @type {Record<string, { rows: number | undefined, seconds: number | null | undefined }>} */
    const perTable = {};
    // \timing prints one line per command: SET first, then one per \copy.
    const copyTimes =
      times.length === tables.length + 1 ? times.slice(1) : times.length === tables.length ? times : null;
    tables.forEach((t, i) => (perTable[t] = { rows: rowCounts[t], seconds: copyTimes ? copyTimes[i] : null }));
    await verify(query, tables, rowCounts, COPY_SCHEMA);
    return {
      method: `COPY … FROM STDIN (${psqlVersion}, \\copy in one session)`,
      seconds: imported.seconds,
      copySecondsSum: copyTimes ? copyTimes.reduce((a, b) => a + b, 0) : null,
      tables: perTable,
      totalRows,
      bytes,
      exportSeconds: exported.seconds,
      peakRssBytes: imported.peakRssBytes,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** @param {Query} query @param {string[]} tables @param {Record<string, number>} rowCounts @param {string} COPY_SCHEMA */
async function verify(query, tables, rowCounts, COPY_SCHEMA) {
  for (const t of tables) {
    const n = Number((await query(`SELECT count(*) AS n FROM ${COPY_SCHEMA}.${quote(t)}`)).rows[0]?.n);
    if (n !== rowCounts[t])
      throw new Error(`copy baseline: ${COPY_SCHEMA}.${t} has ${n} rows, public.${t} ${rowCounts[t]}`);
  }
}
