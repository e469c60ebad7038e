#!/usr/bin/env node
// Commands per second and latency (p50, p99) at 1, 8, 32 and 64 concurrent HTTP clients on the
// PostgreSQL server, against POST /bench/baseline (one plain INSERT) in the same app and run, in
// two layouts (one process of role `all`; an `api` process beside a `projector` process), plus
// the hot stream (64 clients logging symptoms for one patient without If-Match).
// Plain ESM JavaScript so it runs without a build step: `node bench/commands/run.mjs --help`.
// See bench/README.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { admin, databaseUrl, ensureBuilt as ensureBuiltShared } from '../lib.mjs';

import { liveLag } from './live-lag.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'dist/apps/api/main.js');
const ensureBuilt = (/** @type {boolean} */ build) =>
  ensureBuiltShared({ build, builtFiles: ['dist/apps/api/main.js'], log: (text) => console.error(`bench: ${text}`) });
const SYMPTOMS = [
  'headache',
  'dizziness',
  'pressure_in_head',
  'nausea_or_vomiting',
  'balance_problems',
  'feeling_in_a_fog',
  'blurred_vision',
  'neck_pain',
];
const LOGS_PER_PATIENT = 9;
const REQUEST_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 60_000;

const DEFAULTS = { duration: '10', warmup: '2', clients: '1,8,32,64', layouts: 'all,split', 'hot-clients': '64' };

const USAGE = `usage: node bench/commands/run.mjs [options]

  --duration <s>     measured seconds per workload and level (default 10)
  --warmup <s>       unmeasured seconds before each measurement (default 2)
  --clients <list>   concurrency levels, comma-separated (default 1,8,32,64)
  --layouts <list>   all (one process, CARETRACK_ROLE=all), split (CARETRACK_ROLE=api beside a
                     CARETRACK_ROLE=projector process) and/or api-only (CARETRACK_ROLE=api, no
                     projector: the write path without projections, a diagnostic)
                     (default all,split)
  --hot-clients <n>  clients of the hot-stream phase, all on one patient (default 64; 0 skips)
  --server <url>     PostgreSQL server, any database the user may CREATE DATABASE from
                     (default postgres://postgres@127.0.0.1:5432/postgres)
  --out <dir>        where the JSON results go (default bench/results)
  --cpu-prof <dir>   write V8 CPU profiles of the API and projector processes there
  --live-lag <rate>  instead of the levels: <rate> commands/s for --duration s (open loop) against
                     one CARETRACK_ROLE=all process, and the time from each 201 until every
                     projection has applied its position (live-lag.mjs; results in
                     commands-live-lag-<date>.json)
  --no-build         never run \`npm run build\` (fail if dist/ is missing)
  -h, --help`;

// ---------------------------------------------------------------- options

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: DEFAULTS.duration },
      warmup: { type: 'string', default: DEFAULTS.warmup },
      clients: { type: 'string', default: DEFAULTS.clients },
      layouts: { type: 'string', default: DEFAULTS.layouts },
      'hot-clients': { type: 'string', default: DEFAULTS['hot-clients'] },
      server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      out: { type: 'string', default: join(ROOT, 'bench/results') },
      'no-build': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'live-lag': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const seconds = (/** @type {'duration' | 'warmup'} */ name, /** @type {number} */ min) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min || n > 600) fail(`--${name} must be a number of seconds in [${min}, 600]`);
    return n;
  };
  const clients = values.clients.split(',').map((s) => Number(s.trim()));
  if (clients.length === 0 || clients.some((n) => !Number.isInteger(n) || n < 1 || n > 256))
    fail('--clients must be integers in [1, 256]');
  if (!/^postgres(ql)?:\/\//.test(values.server)) fail('--server must be a postgres:// URL');
  const layouts = values.layouts.split(',').map((l) => l.trim());
  if (layouts.length === 0 || layouts.some((l) => !['all', 'split', 'api-only'].includes(l)))
    fail('--layouts: all, split and/or api-only');
  const hotClients = Number(values['hot-clients']);
  if (!Number.isInteger(hotClients) || hotClients < 0 || hotClients > 256)
    fail('--hot-clients must be an integer in [0, 256]');
  return {
    durationS: seconds('duration', 1),
    warmupS: seconds('warmup', 0),
    clients,
    layouts,
    hotClients,
    full: Object.entries(DEFAULTS).every(([k, v]) => values[/** @type {keyof typeof DEFAULTS} */ (k)] === v),
    cpuProf: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
    liveLagRate: values['live-lag'] === undefined ? null : Number(values['live-lag']),
    server: values.server,
    outDir: resolve(values.out),
    build: !values['no-build'],
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
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!aborted) console.error(`\nbench: ${signal}: stopping clients, then cleaning up`);
    aborted = true;
  });
}

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

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the API child

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((ok, ko) => {
    const server = net.createServer();
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => ok(port));
    });
  });
}

/** @param {{ url: string, port: number, apiKey: string, dataDir: string, role: string, cpuProf: string | null, dataKey?: string }} options */
function startApi({ url, port, apiKey, dataDir, role, cpuProf, dataKey }) {
  const env = {
    CARETRACK_ROLE: role,
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    API_KEYS: `service:${apiKey},metrics:${metricsKeyOf(apiKey)}`,
    BENCH_ENDPOINTS: '1',
    // the processes of one layout share a database, so they need one master key of personal data
    ...(dataKey ? { DATA_KEY: dataKey } : {}),
  };
  const profiling = cpuProf
    ? ['--cpu-prof', '--cpu-prof-dir', cpuProf, '--cpu-prof-name', `${role}-${process.pid}-${Date.now()}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profiling, MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  /** @type {{ lines: number, tail: string[] }} */
  const output = { lines: 0, tail: [] };
  const keep = (/** @type {Buffer} */ chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.lines += 1;
      output.tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (output.tail.length > 20) output.tail.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  /** @typedef {{ code: number | null, signal: NodeJS.Signals | null }} Exit */
  /** @type {Promise<Exit>} */
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  /** @type {Exit | undefined} */
  let exit;
  void exited.then((e) => (exit = e));
  return {
    child,
    output,
    exited: () => exit,
    async stop() {
      if (exit) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited, sleep(10_000).then(() => null)]);
      if (!done) {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(5_000)]);
      }
    },
  };
}

/** The metrics key of a run: derived from its service key (both only live for the run). */
/** @param {string} apiKey */
function metricsKeyOf(apiKey) {
  return `metrics-${apiKey}`;
}

/**
 * The API's crypto and command time so far, from GET /metrics: seconds spent encrypting
 * personal fields before appends (caretrack_personal_data_seconds{path="commands",operation="encrypt"})
 * and decrypting before decisions, and the summed duration of every command request
 * (caretrack_command_duration_seconds_sum over all labels).
 */
/** @param {number} port @param {string} apiKey */
async function cryptoTotals(port, apiKey) {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const res = await request(agent, port, 'GET', '/metrics', undefined, metricsKeyOf(apiKey));
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
    const value = (/** @type {RegExp} */ pattern) =>
      res.body
        .split('\n')
        .filter((line) => pattern.test(line))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    return {
      encryptS: value(/^caretrack_personal_data_seconds\{path="commands",operation="encrypt"\}/),
      keyS: value(/^caretrack_personal_data_seconds\{path="commands",operation="key"\}/),
      decryptS: value(/^caretrack_personal_data_seconds\{path="commands",operation="decrypt"\}/),
      commandS: value(/^caretrack_command_duration_seconds_sum\{/),
    };
  } finally {
    agent.destroy();
  }
}

/** @typedef {ReturnType<typeof startApi>} Api */

/** @param {Api} api @param {number} port */
async function waitReady(api, port) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const agent = new http.Agent({ keepAlive: false });
  try {
    while (Date.now() < deadline && !aborted) {
      if (api.exited())
        throw new Error(
          `the API exited while starting (${JSON.stringify(api.exited())}):\n${api.output.tail.join('\n')}`,
        );
      const res = await request(agent, port, 'GET', '/ready').catch(() => null);
      if (res?.status === 200) return;
      await sleep(200);
    }
  } finally {
    agent.destroy();
  }
  throw new Error(
    aborted ? 'aborted' : `the API was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${api.output.tail.join('\n')}`,
  );
}

// ---------------------------------------------------------------- HTTP

/**
 * One request; resolves with status and body text, rejects on a network error or timeout.
 * @param {http.Agent} agent @param {number} port @param {string} method @param {string} path @param {object} [body] @param {string} [apiKey]
 * @returns {Promise<{ status: number | undefined, body: string }>}
 */
function request(agent, port, method, path, body, apiKey) {
  return new Promise((ok, ko) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    /** @type {Record<string, string | number>} */
    const headers = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', ko);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', ko);
    req.end(payload);
  });
}

// ---------------------------------------------------------------- workloads

/**
 * A workload: for client number `client`, the function that gives its next request.
 * @typedef {(client: number) => () => { kind: string, path: string, body: object }} Workload
 */

/**
 * Each client inserts rows with its own id and a sequence number.
 * @param {string} tag @returns {Workload}
 */
function baselineWorkload(tag) {
  return (client) => {
    let seq = 0;
    return () => ({
      kind: 'baseline',
      path: '/bench/baseline',
      body: { clientId: `${tag}-c${client}`, seq: seq++, note: 'baseline' },
    });
  };
}

/**
 * Each client registers its own patients (a new stream) and logs 9 symptoms for each (reads
 * the tracker stream and the patient fact, then appends): 1 RegisterPatient : 9 LogSymptom.
 * @param {string} tag @returns {Workload}
 */
function commandWorkload(tag) {
  return (client) => {
    let patient = 0;
    let step = 0;
    return () => {
      const patientId = `${tag}-c${client}-p${patient}`;
      let next;
      if (step === 0) {
        next = {
          kind: 'RegisterPatient',
          path: '/commands/RegisterPatient',
          body: {
            patientId,
            firstName: 'Bench',
            lastName: `Client ${client}`,
            dateOfBirth: '2008-04-12',
            sportType: 'football',
            teamId: `${tag}-team`,
          },
        };
      } else {
        next = {
          kind: 'LogSymptom',
          path: '/commands/LogSymptom',
          body: {
            patientId,
            symptomId: SYMPTOMS[(patient + step) % SYMPTOMS.length],
            severity: (patient * 7 + step) % 7,
            loggedAt: new Date().toISOString(),
            reporterType: 'self',
            incidentContext: 'training',
          },
        };
      }
      step += 1;
      if (step > LOGS_PER_PATIENT) {
        step = 0;
        patient += 1;
      }
      return next;
    };
  };
}

/**
 * Runs `clients` concurrent keep-alive clients for warmup + duration seconds. Only requests
 * that start inside the measured window count; each client stops starting requests at its end.
 * @param {{ port: number, apiKey: string, clients: number, warmupS: number, durationS: number, workload: Workload, api: Api }} phase
 */
async function runPhase({ port, apiKey, clients, warmupS, durationS, workload, api }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
  const start = performance.now();
  const windowStart = start + warmupS * 1000;
  const windowEnd = windowStart + durationS * 1000;
  /** @type {Map<string, number[]>} */
  const samples = new Map(); // kind -> latencies (ms) of 201s in the window
  /** @type {Record<string, number>} */
  const statuses = {}; // non-201 statuses in the window
  let errors = 0;
  /** @type {string | undefined} */
  let firstFailure;
  let lastEnd = windowEnd;
  const created = { total: 0, requests: 0 }; // every 201 and every request, warm-up included

  const loop = async (/** @type {number} */ client) => {
    const next = workload(client);
    while (!aborted && performance.now() < windowEnd) {
      const { kind, path, body } = next();
      const t0 = performance.now();
      let status;
      try {
        const res = await request(agent, port, 'POST', path, body, apiKey);
        status = res.status;
        if (status !== 201) firstFailure ??= `${kind} -> ${status}: ${res.body.slice(0, 300)}`;
      } catch (error) {
        status = 'error';
        firstFailure ??= `${kind} -> ${error instanceof Error ? error.message : String(error)}`;
      }
      const t1 = performance.now();
      if (status === 201) created.total += 1;
      created.requests += 1;
      if (t0 >= windowStart && t0 < windowEnd) {
        if (status === 201) {
          if (!samples.has(kind)) samples.set(kind, []);
          samples.get(kind)?.push(t1 - t0);
          lastEnd = Math.max(lastEnd, t1);
        } else if (status === 'error') errors += 1;
        else statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      }
      if (status === 'error') {
        if (api.exited()) {
          aborted = true;
          throw new Error(
            `the API exited during the run (${JSON.stringify(api.exited())}):\n${api.output.tail.join('\n')}`,
          );
        }
        await sleep(50); // a refused connection must not become a hot loop
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));
  } finally {
    agent.destroy();
  }
  const measuredS = (lastEnd - windowStart) / 1000;
  const all = [...samples.values()].flat();
  const byKind = Object.fromEntries([...samples.entries()].map(([kind, l]) => [kind, summarize(l, measuredS)]));
  // requests: the whole phase's, warm-up included (the denominator of CPU per request)
  return {
    ...summarize(all, measuredS),
    byKind,
    non201: statuses,
    errors,
    firstFailure,
    created: created.total,
    requests: created.requests,
  };
}

/** @param {number[]} latencies @param {number} seconds */
function summarize(latencies, seconds) {
  const sorted = Float64Array.from(latencies).sort();
  const pct = (/** @type {number} */ p) =>
    sorted.length === 0
      ? null
      : round(/** @type {number} */ (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]));
  return {
    count: sorted.length,
    seconds: round(seconds, 3),
    perSecond: round(sorted.length / seconds, 1),
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: sorted.length === 0 ? null : round(/** @type {number} */ (sorted[sorted.length - 1])),
  };
}

const round = (/** @type {number} */ n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const round3 = (/** @type {number} */ n) => round(n, 4);
const ratio = (/** @type {number | null | undefined} */ a, /** @type {number | null | undefined} */ b) =>
  a == null || b == null || b === 0 ? null : round(a / b, 2);

/**
 * @typedef {ReturnType<typeof summarize>} Summary
 * @typedef {Awaited<ReturnType<typeof runPhase>> & { cpu: ReturnType<typeof cpuDelta>, personalData?: Record<string, number | null> }} PhaseResult
 * @typedef {PhaseResult & { clients: number, stream: { events: number, dense: boolean, equalsHot201: boolean } }} HotResult
 * @typedef {{ clients: number, baseline: PhaseResult, commands: PhaseResult, ratio: { throughput: number | null, p50: number | null, p99: number | null } }} Level
 */

// ---------------------------------------------------------------- hot stream

/**
 * Every client logs symptoms for the same patient, without If-Match.
 * @param {string} patientId @returns {Workload}
 */
function hotWorkload(patientId) {
  return (client) => {
    let n = 0;
    return () => ({
      kind: 'LogSymptom',
      path: '/commands/LogSymptom',
      body: {
        patientId,
        symptomId: SYMPTOMS[(client + n) % SYMPTOMS.length],
        severity: (client + n++) % 7,
        loggedAt: new Date().toISOString(),
        reporterType: 'self',
        incidentContext: 'game',
      },
    });
  };
}

// ---------------------------------------------------------------- CPU of the processes

const TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU seconds a process has used so far (user + system), from /proc; null elsewhere.
 * @param {number | undefined} pid
 */
async function cpuSeconds(pid) {
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by the API process(es), and by the PostgreSQL backends serving this
 * run's database (found in pg_stat_activity; the pools keep their connections, so the same
 * backends are summed at both ends of a phase; a backend that ended meanwhile is not counted).
 * @param {Record<string, { child: import('node:child_process').ChildProcess }>} processes @param {string} server @param {string} database
 * @returns {Promise<CpuSample>}
 */
async function cpuOf(processes, server, database) {
  /** @type {[string, number | null][]} */
  const own = await Promise.all(
    Object.entries(processes).map(async ([name, p]) => [name, await cpuSeconds(p.child.pid)]),
  );
  const { rows } = await admin(server, `SELECT pid FROM pg_stat_activity WHERE datname = '${database}'`);
  const backends = Object.fromEntries(await Promise.all(rows.map(async (r) => [r.pid, await cpuSeconds(r.pid)])));
  return { ...Object.fromEntries(own), backends };
}

/**
 * CPU seconds of each process by name, and of each PostgreSQL backend by pid (`backends`).
 * @typedef {{ [name: string]: number | null | Record<string, number | null>, backends: Record<string, number | null> }} CpuSample
 */

/** @param {CpuSample} before @param {CpuSample} after */
function cpuDelta(before, after) {
  /** @type {Record<string, number | null>} */
  const result = {};
  for (const k of Object.keys(before)) {
    if (k === 'backends') continue;
    const was = before[k];
    const now = after[k];
    result[k] = typeof was !== 'number' || typeof now !== 'number' ? null : round(now - was, 2);
  }
  let postgres = 0;
  for (const [pid, used] of Object.entries(after.backends))
    postgres += Number(used) - Number(before.backends[pid] ?? used);
  result.postgres = round(postgres, 2);
  return result;
}

// ---------------------------------------------------------------- report

/** @param {Level[]} levels @param {HotResult | null} hot */
function markdown(levels, hot) {
  const f = (/** @type {number | null | undefined} */ n) => (n == null ? '–' : String(n));
  const rows = [
    '| clients | baseline req/s | baseline p50 ms | baseline p99 ms | commands/s | command p50 ms | command p99 ms | throughput ratio | p50 ratio | p99 ratio | non-201 |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const l of levels) {
    const b = l.baseline;
    const c = l.commands;
    const bad = sumBad(b) + sumBad(c);
    rows.push(
      `| ${l.clients} | ${f(b.perSecond)} | ${f(b.p50Ms)} | ${f(b.p99Ms)} | ${f(c.perSecond)} | ${f(c.p50Ms)} | ${f(c.p99Ms)} | ${f(l.ratio.throughput)} | ${f(l.ratio.p50)} | ${f(l.ratio.p99)} | ${bad} |`,
    );
  }
  rows.push(
    '',
    '| clients | RegisterPatient /s | p50 ms | p99 ms | LogSymptom /s | p50 ms | p99 ms | CPU ms per baseline request: API, PostgreSQL | CPU ms per command: API, projector, PostgreSQL |',
    '|---:|---:|---:|---:|---:|---:|---:|---|---|',
  );
  for (const l of levels) {
    /** @type {Partial<Summary>} */
    const r = l.commands.byKind.RegisterPatient ?? {};
    /** @type {Partial<Summary>} */
    const s = l.commands.byKind.LogSymptom ?? {};
    const per = (/** @type {PhaseResult} */ phase, /** @type {number | null | undefined} */ cpu) =>
      cpu == null || !phase.requests ? '–' : String(round((cpu * 1000) / phase.requests, 2));
    const b = l.baseline;
    const c = l.commands;
    rows.push(
      `| ${l.clients} | ${f(r.perSecond)} | ${f(r.p50Ms)} | ${f(r.p99Ms)} | ${f(s.perSecond)} | ${f(s.p50Ms)} | ${f(s.p99Ms)} | ${per(b, b.cpu.api)}, ${per(b, b.cpu.postgres)} | ${per(c, c.cpu.api)}, ${per(c, c.cpu.projector)}, ${per(c, c.cpu.postgres)} |`,
    );
  }
  rows.push(
    '',
    '| clients | seal s (AES, key in hand) | key s (get/create data keys) | decrypt s | command s (summed request time) | seal share of a command | key share | decrypt share |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const l of levels) {
    const p = l.commands.personalData;
    rows.push(
      `| ${l.clients} | ${f(p?.encryptSeconds)} | ${f(p?.keySeconds)} | ${f(p?.decryptSeconds)} | ${f(p?.commandSeconds)} | ${f(p?.encryptShare)} | ${f(p?.keyShare)} | ${f(p?.decryptShare)} |`,
    );
  }
  if (hot) {
    rows.push(
      '',
      '| hot stream | clients | LogSymptom/s | p50 ms | p99 ms | max ms | non-201 | events in the stream | revisions dense |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      `| one patient, no If-Match | ${hot.clients} | ${f(hot.perSecond)} | ${f(hot.p50Ms)} | ${f(hot.p99Ms)} | ${f(hot.maxMs)} | ${sumBad(hot)} | ${hot.stream.events} | ${hot.stream.dense ? 'yes' : 'NO'} |`,
    );
  }
  return rows.join('\n');
}

const sumBad = (/** @type {{ errors: number, non201: Record<string, number> }} */ phase) =>
  phase.errors + Object.values(phase.non201).reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------- one layout

/**
 * One layout on a fresh database: `all` is one API process of role all; `split` is an API
 * process of role api beside a projector process. Levels, then the hot stream, then the checks.
 * @param {string} layout @param {ReturnType<typeof options>} opts @param {string} apiKey @param {string} stamp
 */
async function runLayout(layout, opts, apiKey, stamp) {
  /** @type {Cleanup[]} */
  const cleanups = [];
  try {
    const database = `caretrack_bench_${stamp}_${process.pid}_${layout}`;
    await admin(opts.server, `CREATE DATABASE "${database}"`);
    cleanups.push({
      name: `drop database ${database}`,
      run: () => admin(opts.server, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
    });
    const url = databaseUrl(opts.server, database);

    /** @type {Record<string, Api & { port: number }>} */
    const processes = {};
    const dataKey = randomBytes(32).toString('base64');
    const start = async (/** @type {string} */ name, /** @type {string} */ role) => {
      const dataDir = await mkdtemp(join(os.tmpdir(), 'caretrack-bench-'));
      cleanups.push({ name: `remove ${dataDir}`, run: () => rm(dataDir, { recursive: true, force: true }) });
      const port = await freePort();
      const child = startApi({ url, port, apiKey, dataDir, role, cpuProf: opts.cpuProf, dataKey });
      cleanups.push({ name: `stop the ${name}`, run: () => child.stop() });
      processes[name] = { ...child, port };
      console.error(
        `bench: [${layout}] database ${database}, ${name} (CARETRACK_ROLE=${role}) pid ${child.child.pid} on 127.0.0.1:${port}`,
      );
      await waitReady(child, port);
    };
    await start('api', layout === 'all' ? 'all' : 'api');
    if (layout === 'split') await start('projector', 'projector');
    const api = /** @type {Api & { port: number }} */ (processes.api);
    const port = api.port;

    // Preflight: both workloads answer 201, or there is no point measuring.
    const agent = new http.Agent({ keepAlive: false });
    try {
      for (const { path, body } of [
        baselineWorkload('preflight')(0)(),
        ...(() => {
          const next = commandWorkload('preflight')(0);
          return [next(), next()];
        })(),
      ]) {
        const res = await request(agent, port, 'POST', path, body, apiKey);
        if (res.status !== 201) throw new Error(`preflight ${path} answered ${res.status}: ${res.body.slice(0, 500)}`);
      }
    } finally {
      agent.destroy();
    }

    /** @type {Level[]} */
    const levels = [];
    const created = { baseline: 1, commands: 2 }; // the preflight's
    const phase = async (
      /** @type {string} */ name,
      /** @type {number} */ clients,
      /** @type {Workload} */ workload,
    ) => {
      console.error(
        `bench: [${layout}] ${clients} client(s), ${name}: ${opts.warmupS} s warm-up + ${opts.durationS} s`,
      );
      const before = await cpuOf(processes, opts.server, database);
      const crypto0 = await cryptoTotals(port, apiKey);
      const result = await runPhase({
        port,
        apiKey,
        clients,
        warmupS: opts.warmupS,
        durationS: opts.durationS,
        workload,
        api,
      });
      const cpu = cpuDelta(before, await cpuOf(processes, opts.server, database));
      const crypto1 = await cryptoTotals(port, apiKey);
      // warm-up included on both sides: the shares are of the same commands
      const commandS = crypto1.commandS - crypto0.commandS;
      const personalData = {
        encryptSeconds: round3(crypto1.encryptS - crypto0.encryptS),
        keySeconds: round3(crypto1.keyS - crypto0.keyS),
        keyShare: commandS > 0 ? round3((crypto1.keyS - crypto0.keyS) / commandS) : null,
        decryptSeconds: round3(crypto1.decryptS - crypto0.decryptS),
        commandSeconds: round3(commandS),
        encryptShare: commandS > 0 ? round3((crypto1.encryptS - crypto0.encryptS) / commandS) : null,
        decryptShare: commandS > 0 ? round3((crypto1.decryptS - crypto0.decryptS) / commandS) : null,
      };
      return Object.assign(result, { cpu, personalData });
    };
    for (const clients of opts.clients) {
      if (aborted) break;
      const baseline = await phase('baseline', clients, baselineWorkload(`n${clients}`));
      if (aborted) break;
      const commands = await phase('commands', clients, commandWorkload(`n${clients}`));
      created.baseline += baseline.created;
      created.commands += commands.created;
      for (const [name, p] of /** @type {[string, PhaseResult][]} */ ([
        ['baseline', baseline],
        ['commands', commands],
      ])) {
        if (sumBad(p) > 0)
          console.error(
            `bench: [${layout}] ${clients} client(s), ${name}: ${sumBad(p)} non-201, first: ${p.firstFailure}`,
          );
      }
      levels.push({
        clients,
        baseline,
        commands,
        ratio: {
          throughput: ratio(commands.perSecond, baseline.perSecond),
          p50: ratio(commands.p50Ms, baseline.p50Ms),
          p99: ratio(commands.p99Ms, baseline.p99Ms),
        },
      });
    }
    if (aborted) throw new Error('aborted');

    /** @type {HotResult | null} */
    let hot = null;
    const hotPatient = `hot-${stamp}`;
    if (opts.hotClients > 0) {
      const a = new http.Agent({ keepAlive: false });
      const res = await request(
        a,
        port,
        'POST',
        '/commands/RegisterPatient',
        { patientId: hotPatient, firstName: 'Hot', lastName: 'Stream' },
        apiKey,
      );
      a.destroy();
      if (res.status !== 201)
        throw new Error(`registering the hot patient answered ${res.status}: ${res.body.slice(0, 300)}`);
      created.commands += 1;
      hot = /** @type {HotResult} */ (
        /** @type {unknown} */ (
          await phase('hot stream (one patient, no If-Match)', opts.hotClients, hotWorkload(hotPatient))
        )
      ); // clients and stream: set below
      hot.clients = opts.hotClients;
      created.commands += hot.created;
      if (sumBad(hot) > 0)
        console.error(`bench: [${layout}] hot stream: ${sumBad(hot)} non-201, first: ${hot.firstFailure}`);
    }

    // Every 201 is a row or an event in the database; the hot stream's revisions are dense.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    /** @type {{ baselineRows: number, baseline201: number, events: number, command201: number, ok: boolean, hotStream?: HotResult['stream'], schemas?: string[] } | undefined} */
    let check;
    try {
      const rows = Number((await db.query('SELECT count(*) FROM caretrack_bench.baseline_rows')).rows[0].count);
      const events = Number((await db.query('SELECT count(*) FROM caretrack_events.events')).rows[0].count);
      check = {
        baselineRows: rows,
        baseline201: created.baseline,
        events,
        command201: created.commands,
        ok: rows === created.baseline && events === created.commands,
      };
      if (hot) {
        const { rows: r } = await db.query(
          'SELECT count(*)::int AS n, coalesce(min(revision), -1)::int AS min, coalesce(max(revision), -1)::int AS max FROM caretrack_events.events WHERE stream_id = $1',
          [`tracker-${hotPatient}`],
        );
        hot.stream = {
          events: r[0].n,
          dense: r[0].min === 0 && r[0].max === r[0].n - 1,
          equalsHot201: r[0].n === hot.created,
        };
        check.hotStream = hot.stream;
        check.ok = check.ok && hot.stream.dense && hot.stream.equalsHot201;
      }
      const schemas = await db.query(
        `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public') ORDER BY 1`,
      );
      check.schemas = schemas.rows.map((r) => r.nspname);
    } finally {
      await db.end();
    }
    if (!check.ok)
      console.error(
        `bench: [${layout}] WARNING: 201s and stored rows differ, or the hot stream has gaps: ${JSON.stringify(check)}`,
      );
    for (const [name, p] of Object.entries(processes)) {
      if (p.output.lines > 0)
        console.error(
          `bench: [${layout}] the ${name} logged ${p.output.lines} line(s) at warn or above; last:\n${p.output.tail.join('\n')}`,
        );
    }
    return { layout, database, levels, hot, check };
  } finally {
    while (cleanups.length > 0) {
      const { name, run } = /** @type {Cleanup} */ (cleanups.pop());
      try {
        await run();
      } catch (error) {
        console.error(`bench: cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/**
 * --live-lag: steady commands, time until the projections (same process) passed each one.
 * @param {{ opts: ReturnType<typeof options>, apiKey: string, stamp: string, startedAt: Date, loadAtStart: number[], serverVersion: string }} mode
 */
async function liveLagMode({ opts, apiKey, stamp, startedAt, loadAtStart, serverVersion }) {
  const database = `caretrack_bench_${stamp}_${process.pid}_lag`;
  await admin(opts.server, `CREATE DATABASE "${database}"`);
  cleanups.push({
    name: `drop database ${database}`,
    run: () => admin(opts.server, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  });
  const dataDir = await mkdtemp(join(os.tmpdir(), 'caretrack-bench-'));
  cleanups.push({ name: `remove ${dataDir}`, run: () => rm(dataDir, { recursive: true, force: true }) });
  const port = await freePort();
  const api = startApi({
    url: databaseUrl(opts.server, database),
    port,
    apiKey,
    dataDir,
    role: 'all',
    cpuProf: opts.cpuProf,
  });
  cleanups.push({ name: 'stop the API', run: () => api.stop() });
  console.error(
    `bench: [live lag] database ${database}, API (CARETRACK_ROLE=all) pid ${api.child.pid} on 127.0.0.1:${port}`,
  );
  await waitReady(api, port);
  if (
    opts.liveLagRate === null ||
    !Number.isFinite(opts.liveLagRate) ||
    opts.liveLagRate <= 0 ||
    opts.liveLagRate > 2000
  )
    fail('--live-lag must be a rate in (0, 2000] commands/s');
  console.error(`bench: live lag: ${opts.liveLagRate} commands/s, ${opts.warmupS} s warm-up + ${opts.durationS} s`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let result;
  try {
    result = await liveLag({
      port,
      apiKey,
      rate: opts.liveLagRate,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      request,
      agent,
      workload: commandWorkload('lag'),
      aborted: () => aborted,
    });
  } finally {
    agent.destroy();
  }
  const out = {
    benchmark: 'commands-live-lag',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      postgres: serverVersion,
      loadAverage: { start: loadAtStart, end: os.loadavg().map((n) => round(n)) },
    },
    settings: {
      workload: `1 RegisterPatient then ${LOGS_PER_PATIENT} LogSymptom per patient; lanes (sequential clients) opened as needed to keep the rate`,
      server: 'PostgreSQL server on loopback; API child process (role all: HTTP and projections), LOG_LEVEL=warn',
    },
    result,
  };
  await mkdir(opts.outDir, { recursive: true });
  const file = join(opts.outDir, `commands-live-lag-${startedAt.toISOString().slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `\n| rate /s | measured | achieved /s | lag p50 ms | lag p99 ms | lag max ms | server wait p50 ms | p99 ms | command p50 ms | command p99 ms | failures |`,
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const r = result;
  console.log(
    `| ${r.rate} | ${r.measured} | ${r.achievedPerSecond} | ${r.lagMs.p50} | ${r.lagMs.p99} | ${r.lagMs.max} | ${r.serverWaitMs.p50} | ${r.serverWaitMs.p99} | ${r.commandMs.p50} | ${r.commandMs.p99} | ${r.failures.commands + r.failures.waits + r.failures.notPassed} |\n`,
  );
  console.log(
    `load average (1/5/15 min): ${out.machine.loadAverage.start.join(' ')} at start, ${out.machine.loadAverage.end.join(' ')} at end`,
  );
  console.log(`results: ${relative(process.cwd(), file) || file}`);
  if (api.output.lines > 0)
    console.error(
      `bench: the API logged ${api.output.lines} line(s) at warn or above; last:\n${api.output.tail.join('\n')}`,
    );
  if (r.failures.commands + r.failures.waits + r.failures.notPassed > 0) {
    console.error(`bench: failures: ${JSON.stringify(r.failures)}`);
    process.exitCode = 1;
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = options();
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((n) => round(n));
  const stamp = startedAt.toISOString().replace(/\D/g, '').slice(0, 14);
  const apiKey = randomBytes(24).toString('hex');

  const dist = await ensureBuilt(opts.build);
  console.error(`bench: dist ${dist}`);
  const serverVersion = (await admin(opts.server, 'SHOW server_version')).rows[0].server_version;

  if (opts.liveLagRate !== null) return liveLagMode({ opts, apiKey, stamp, startedAt, loadAtStart, serverVersion });

  /** @type {Record<string, Awaited<ReturnType<typeof runLayout>>>} */
  const layouts = {};
  for (const layout of opts.layouts) {
    if (aborted) break;
    layouts[layout] = await runLayout(layout, opts, apiKey, stamp);
  }
  if (aborted) throw new Error('aborted');

  const result = {
    benchmark: 'commands',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      postgres: serverVersion,
      // 1/5/15-minute load averages: anything else running on the machine shows here
      loadAverage: { start: loadAtStart, end: os.loadavg().map((n) => round(n)) },
    },
    settings: {
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      clients: opts.clients,
      layouts: opts.layouts,
      hotClients: opts.hotClients,
      workload: `per client: 1 RegisterPatient then ${LOGS_PER_PATIENT} LogSymptom per patient; hot stream: every client LogSymptom for one patient, no If-Match`,
      baseline: 'POST /bench/baseline: auth + zod + one INSERT into caretrack_bench.baseline_rows',
      server:
        'PostgreSQL server on loopback; API child process(es), LOG_LEVEL=warn; layout all: one process CARETRACK_ROLE=all; split: CARETRACK_ROLE=api + CARETRACK_ROLE=projector',
    },
    layouts,
  };
  await mkdir(opts.outDir, { recursive: true });
  const day = startedAt.toISOString().slice(0, 10);
  const minute = startedAt.toISOString().slice(0, 16).replace(/\D/g, '');
  let file = join(opts.outDir, opts.full ? `commands-${day}.json` : `commands-smoke-${minute}.json`);
  if (opts.full && existsSync(file)) file = join(opts.outDir, `commands-${minute}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  for (const [layout, r] of Object.entries(layouts)) {
    const title = /** @type {Record<string, string>} */ ({
      all: 'one process, CARETRACK_ROLE=all',
      split: 'CARETRACK_ROLE=api beside a CARETRACK_ROLE=projector process',
      'api-only': 'CARETRACK_ROLE=api and no projector (the write path alone)',
    })[layout];
    console.log(`\n### layout: ${title}\n`);
    console.log(markdown(r.levels, r.hot));
    console.log(
      `\nstored-row check: ${r.check.ok ? 'ok' : 'MISMATCH'} (${r.check.baselineRows} baseline rows, ${r.check.events} events${r.hot ? `; hot stream ${r.hot.stream.events} events, dense: ${r.hot.stream.dense}` : ''})`,
    );
  }
  console.log(`\nratios: commands / baseline (throughput < 1 and latency > 1 mean commands cost more)`);
  console.log(
    `load average (1/5/15 min): ${result.machine.loadAverage.start.join(' ')} at start, ${result.machine.loadAverage.end.join(' ')} at end`,
  );
  console.log(`results: ${relative(process.cwd(), file) || file}`);
  const bad = Object.values(layouts).reduce(
    (n, r) =>
      n + r.levels.reduce((m, l) => m + sumBad(l.baseline) + sumBad(l.commands), 0) + (r.hot ? sumBad(r.hot) : 0),
    0,
  );
  if (bad > 0 || Object.values(layouts).some((r) => !r.check.ok)) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
process.exit();
