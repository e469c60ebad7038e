// Child process of bench/projections/run.mjs: does ONE measured piece of work in a fresh
// process, so that its peak RSS is that work's alone, and reports over IPC.
//
//   mode "projections":   a ProjectionRunner over allProjections catches up from zero;
//                         done when every projection has passed the log's head (waitForPosition).
//   mode "rebuild":       after the catch-up, a ProjectionAdmin (as apps/api/bootstrap/create-app.ts
//                         builds one) rebuilds ONE projection: startRebuild + settled, timed,
//                         with the build / verify / swap split.
//   mode "seed-triggers": reads the same log in batches and writes the facts as plain rows into
//                         the seeds/001 design (seed-design.mjs), whose triggers do the rest.
//
// Memory: process.memoryUsage().rss sampled every 100 ms, and VmHWM of /proc/self/status at
// the end (the kernel's high-water mark); the larger is reported.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { SEED_SCHEMA, loadSeedDesign, statementsFor } from './seed-design.mjs';

/**
 * What run.mjs asks for (its runWorker's params, plus the repository's root).
 * @typedef {{ mode: string, root: string, url: string, events?: number, batch?: number, timeoutS: number, sqlProfile?: boolean, only?: string[] | null, projection?: string }} WorkerParams
 */
/** @type {WorkerParams} */
const {
  mode,
  root,
  url,
  events: expectedEvents,
  batch,
  timeoutS,
  sqlProfile,
  only,
  projection: rebuildName,
} = JSON.parse(/** @type {string} */ (process.argv[2]));
const dist = (/** @type {string} */ p) => import(pathToFileURL(join(root, 'dist', p)).href);

let peakSampled = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
}, 100);

function vmHwmBytes() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function memory() {
  peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
  const hwm = vmHwmBytes();
  return { peakRssBytes: Math.max(peakSampled, hwm ?? 0), sampledPeakRssBytes: peakSampled, vmHwmBytes: hwm };
}

// --sql-profile: wall time of every query this process sends, by statement shape.
/** @type {Map<string, { calls: number, seconds: number }>} */
const sqlTimes = new Map();
if (sqlProfile) {
  /** @typedef {(this: pg.Client, config: string | { text?: unknown } | undefined, values: unknown, callback: unknown) => { then?: unknown } | undefined} Query */
  const query = /** @type {Query} */ (/** @type {unknown} */ (pg.Client.prototype.query));
  /** @type {Query} */
  const timedQuery = function timedQuery(config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    const result = query.call(this, config, values, callback);
    if (typeof text !== 'string' || typeof result?.then !== 'function') return result;
    const key = text.replace(/\$\d+/g, '$').replace(/\s+/g, ' ').trim().slice(0, 140);
    const t0 = performance.now();
    const done = () => {
      const entry = sqlTimes.get(key) ?? { calls: 0, seconds: 0 };
      entry.calls += 1;
      entry.seconds += (performance.now() - t0) / 1000;
      sqlTimes.set(key, entry);
    };
    result.then(done, done);
    return result;
  };
  pg.Client.prototype.query = /** @type {typeof pg.Client.prototype.query} */ (/** @type {unknown} */ (timedQuery));
}

function sqlProfileResult() {
  if (!sqlProfile) return undefined;
  return [...sqlTimes.entries()]
    .sort((a, b) => b[1].seconds - a[1].seconds)
    .slice(0, 40)
    .map(([statement, { calls, seconds }]) => ({ statement, calls, seconds: Math.round(seconds * 1000) / 1000 }));
}

const progress = (/** @type {string} */ text) => process.stderr.write(`bench: ${text}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** The opening step of the API: the key store the loader encrypted with (bench/projections/run.mjs). */
/** @param {unknown} db */
async function openerFor(db) {
  const { KeyStore, MasterKey } = await dist('libs/personal-data/index.js');
  const { keyStoreOpener } = await dist('libs/projection-engine/index.js');
  const keyStore = await KeyStore.open(db, {
    masterKey: { key: MasterKey.parse(Buffer.alloc(32, 0x42).toString('base64')), origin: 'the bench' },
  });
  return { opener: keyStoreOpener(keyStore), keyStore };
}

async function openStore() {
  const { openDatabase } = await dist('libs/read-store/connection.js');
  const { createPostgresEventStore } = await dist('libs/event-store/postgres/postgres-event-store.js');
  const connection = await openDatabase({ kind: 'server', url });
  const store = await createPostgresEventStore({ connection });
  return { connection, store };
}

// ---------------------------------------------------------------- projections

async function projections() {
  const { ProjectionRunner, waitForPosition } = await dist('libs/projection-engine/index.js');
  const { faultedNames } = await dist('libs/projection-engine/checkpoints.js');
  const { allProjections: every } = await dist('projections/index.js');
  // only: catch up just these projections (--only rebuild: the ones to rebuild).
  const allProjections = only ? every.filter((/** @type {{ name: string }} */ p) => only.includes(p.name)) : every;
  const { parseTriageMap, parseStagesConfig } = await dist('libs/domain/tracker/tracker-config.js');
  const triageMapText = await readFile(join(root, 'projections/config/triage_map.yaml'), 'utf8');
  const stagesText = await readFile(join(root, 'projections/config/stages.yaml'), 'utf8');

  const { connection, store } = await openStore();
  const db = connection.db;
  const head = await store.headPosition();
  if (head === null) throw new Error('the log is empty');

  /** @type {{ warn: number, error: number, last: string[] }} */
  const logged = { warn: 0, error: 0, last: [] };
  const keep = (/** @type {'warn' | 'error'} */ level) => (/** @type {unknown} */ obj, /** @type {string} */ msg) => {
    logged[level] += 1;
    logged.last.push(`${level}: ${msg} ${JSON.stringify(obj)}`.slice(0, 500));
    if (logged.last.length > 10) logged.last.shift();
  };
  const logger = { info: () => undefined, warn: keep('warn'), error: keep('error') };

  const { opener, keyStore } = await openerFor(db);
  const runner = new ProjectionRunner({
    db,
    store,
    opener,
    projections: allProjections,
    context: { triageMap: parseTriageMap(triageMapText), stages: parseStagesConfig(stagesText) },
    configTexts: { triageMap: triageMapText, stages: stagesText },
    logger,
  });
  let batches = 0;
  let lastProgress = 0;
  // When the runner had applied every event up to each fifth of the log (for the rate over time).
  /** @type {{ position: bigint, at: number | null }[]} */
  const fifths = [1, 2, 3, 4, 5].map((k) => ({ position: (BigInt(head) * BigInt(k)) / 5n, at: null }));
  let t0 = 0;
  runner.onProgress(() => {
    batches += 1;
    lastProgress = performance.now();
    const applied = runner.appliedThrough();
    if (applied !== null)
      for (const f of fifths) if (f.at === null && applied >= f.position) f.at = (lastProgress - t0) / 1000;
  });

  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  await runner.start();
  const deadline = t0 + timeoutS * 1000;
  let done = false;
  let nextReport = t0 + 10_000;
  try {
    // Once a second: cheap look at the checkpoints; once the furthest one is at the head (the
    // runner has applied the last batch to at least one projection), waitForPosition decides.
    // The end time is that of the last applied batch, not of the check.
    const { sql } = await import('kysely');
    while (performance.now() < deadline) {
      const { rows } = /** @type {{ rows: { low: string | null, high: string | null }[] }} */ (
        await sql`SELECT min(coalesce(position, 0))::text AS low, max(coalesce(position, 0))::text AS high
        FROM caretrack_projections.checkpoints`.execute(db)
      );
      const high = BigInt(rows[0]?.high ?? 0);
      if (high >= head && (await waitForPosition(db, store, allProjections, head, 0))) {
        done = true;
        break;
      }
      const faulted = await faultedNames(
        db,
        allProjections.map((/** @type {{ name: string }} */ p) => p.name),
      );
      if (faulted.size > 0)
        throw new Error(`projection(s) faulted: ${[...faulted].join(', ')}; ${logged.last.join(' | ')}`);
      if (performance.now() >= nextReport) {
        nextReport += 10_000;
        const s = (performance.now() - t0) / 1000;
        progress(
          `catch-up ${s.toFixed(0)} s: ${batches} batches, checkpoints between ${rows[0]?.low ?? '?'} and ${high} of ${head} (rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`,
        );
      }
      await sleep(1000);
    }
  } finally {
    await runner.stop();
  }
  if (!done) throw new Error(`catch-up did not reach the head within ${timeoutS} s (${batches} batches applied)`);
  const seconds = (lastProgress - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await keyStore.close();
  await connection.close();
  return {
    seconds,
    events: Number(head),
    batches,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    perProjection: Object.fromEntries(
      Object.entries(runner.stats()).map(([name, st]) => [
        name,
        { applySeconds: st.seconds, batches: st.batches, events: st.events },
      ]),
    ),
    // decryption, once per batch for every projection (SPEC §9)
    opening: runner.openingStats(),
    fifths: fifths.map((f) => f.at),
    logged,
  };
}

// ---------------------------------------------------------------- log read (baseline of the rebuild)

async function logRead() {
  // Reading one projection's events from the log, page after page, as the rebuild reads them
  // (the store's readAll, typed filter, pages of 5,000, data parsed): the floor of a rebuild.
  const { allProjections } = await dist('projections/index.js');
  const projection = allProjections.find((/** @type {{ name: string }} */ p) => p.name === rebuildName);
  if (!projection) throw new Error(`no projection named ${rebuildName}`);
  const { connection, store } = await openStore();
  const head = await store.headPosition();
  const t0 = performance.now();
  let from = 'start';
  let events = 0;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5000, eventTypes: projection.eventTypes });
    if (page.length === 0) break;
    events += page.length;
    from = page[page.length - 1].position;
    if (page.length < 5000) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  await connection.close();
  return { projection: rebuildName, events: Number(head), ownEvents: events, seconds };
}

// ---------------------------------------------------------------- rebuild

async function rebuild() {
  const { ProjectionAdmin, fingerprintOf } = await dist('libs/projection-engine/index.js');
  const { allProjections } = await dist('projections/index.js');
  const { parseTriageMap, parseStagesConfig } = await dist('libs/domain/tracker/tracker-config.js');
  const triageMapText = await readFile(join(root, 'projections/config/triage_map.yaml'), 'utf8');
  const stagesText = await readFile(join(root, 'projections/config/stages.yaml'), 'utf8');
  const configTexts = { triageMap: triageMapText, stages: stagesText };
  const projection = allProjections.find((/** @type {{ name: string }} */ p) => p.name === rebuildName);
  if (!projection) throw new Error(`no projection named ${rebuildName}`);

  const { connection, store } = await openStore();
  const db = connection.db;
  const head = await store.headPosition();
  const { sql } = await import('kysely');
  const checkpoint = async () =>
    /** @type {{ rows: { position: string, fingerprint: string | null }[] }} */ (
      await sql`SELECT position::text AS position, fingerprint FROM caretrack_projections.checkpoints WHERE name = ${rebuildName}`.execute(
        db,
      )
    ).rows[0] ?? null;
  const before = await checkpoint();
  if (before?.position !== String(head))
    throw new Error(
      `${rebuildName}: live checkpoint at ${before?.position}, the log's head is ${head}: run the catch-up first`,
    );

  /** @type {{ info: number, error: number, last: string[] }} */
  const logged = { info: 0, error: 0, last: [] };
  const keep = (/** @type {'info' | 'error'} */ level) => (/** @type {unknown} */ obj, /** @type {string} */ msg) => {
    logged[level] += 1;
    logged.last.push(`${level}: ${msg} ${JSON.stringify(obj)}`.slice(0, 500));
    if (logged.last.length > 10) logged.last.shift();
  };
  const { opener } = await openerFor(db);
  const admin = new ProjectionAdmin({
    db,
    store,
    opener,
    projections: allProjections,
    context: { triageMap: parseTriageMap(triageMapText), stages: parseStagesConfig(stagesText) },
    fingerprintOf: (/** @type {string} */ name) =>
      fingerprintOf(
        allProjections.find((/** @type {{ name: string }} */ p) => p.name === name),
        configTexts,
      ),
    owner: `bench-rebuild-${process.pid}`,
    logger: { info: keep('info'), error: keep('error') },
  });

  // The split: the build ends at the afterBuild seam (exact; it only takes the time here);
  // verification ends when the rebuild row turns 'swapping' (polled every 50 ms); the swap
  // ends when settled() resolves.
  const rssDuring = { build: 0, verify: 0, swap: 0 };
  /** @type {keyof typeof rssDuring} */
  let phase = 'build';
  /** @type {number | null} */
  let tBuilt = null;
  /** @type {number | null} */
  let tSwapping = null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await admin.startRebuild(rebuildName, {
    afterBuild: async () => {
      tBuilt = performance.now();
      phase = 'verify';
    },
  });
  const deadline = t0 + timeoutS * 1000;
  let settled = false;
  const done = admin.settled(rebuildName).then(() => (settled = true));
  let nextReport = t0 + 10_000;
  while (!settled) {
    if (performance.now() > deadline) throw new Error(`rebuild of ${rebuildName} did not end within ${timeoutS} s`);
    rssDuring[phase] = Math.max(rssDuring[phase], process.memoryUsage().rss);
    if (tBuilt !== null && tSwapping === null) {
      const { rows } = /** @type {{ rows: { state: string }[] }} */ (
        await sql`SELECT state FROM caretrack_projections.rebuilds WHERE name = ${rebuildName}`.execute(db)
      );
      if (rows[0]?.state === 'swapping' || rows[0]?.state === 'swapped') {
        tSwapping = performance.now();
        phase = 'swap';
      }
    }
    if (performance.now() >= nextReport) {
      nextReport += 10_000;
      const p = await admin.progress(rebuildName);
      progress(
        `rebuild ${rebuildName} ${((performance.now() - t0) / 1000).toFixed(0)} s: ${p?.state}, ${p?.processed} of ${p?.total} (rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`,
      );
    }
    await Promise.race([done, sleep(50)]);
  }
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  rssDuring[phase] = Math.max(rssDuring[phase], process.memoryUsage().rss);
  const final = await admin.progress(rebuildName);
  const after = await checkpoint();
  if (final?.state !== 'swapped')
    throw new Error(
      `rebuild of ${rebuildName} ended ${final?.state}: ${final?.error ?? ''} ${JSON.stringify(final?.differences ?? null).slice(0, 1000)}`,
    );
  if (after?.position !== String(head))
    throw new Error(`${rebuildName}: after the swap the checkpoint is at ${after?.position}, expected ${head}`);
  const s = (/** @type {number | null} */ a, /** @type {number | null} */ b) =>
    a === null || b === null ? null : (b - a) / 1000;
  await connection.close();
  return {
    projection: rebuildName,
    events: Number(head),
    seconds: (t1 - t0) / 1000,
    buildSeconds: s(t0, tBuilt),
    verifySeconds: s(tBuilt, tSwapping),
    swapSeconds: s(tSwapping, t1),
    // when the 'swapping' state was never seen (verification and swap shorter than a poll)
    verifyAndSwapSeconds: s(tBuilt, t1),
    progress: final,
    fingerprintBefore: before.fingerprint,
    fingerprintAfter: after.fingerprint,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    sampledRssByPhaseBytes: rssDuring,
    logged,
  };
}

// ---------------------------------------------------------------- seed design (baseline B)

async function seedTriggers() {
  const { connection, store } = await openStore();
  const head = await store.headPosition();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${SEED_SCHEMA}`);
    await client.query(`SET search_path = ${SEED_SCHEMA}`);
    const design = await loadSeedDesign();
    for (const ddl of design.ddl) await client.query(ddl);

    // the log holds personal fields encrypted: the trigger design gets them decrypted, as the projections do
    const { decryptEvents } = await dist('libs/personal-data/index.js');
    const { keyStore } = await openerFor(connection.db);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + timeoutS * 1000;
    let from = 'start';
    let events = 0;
    let batches = 0;
    let statements = 0;
    let readSeconds = 0;
    let sqlSeconds = 0;
    let nextReport = t0 + 10_000;
    while (performance.now() < deadline) {
      const r0 = performance.now();
      const page = await decryptEvents(await store.readAll({ fromPosition: from, maxCount: batch }), keyStore);
      readSeconds += (performance.now() - r0) / 1000;
      if (page.length === 0) break;
      const list = statementsFor(page, design.kpiColumns);
      const s0 = performance.now();
      await client.query('BEGIN');
      try {
        for (const s of list) await client.query(s.text, s.values);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(
          `seed design, batch after position ${String(from)}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      sqlSeconds += (performance.now() - s0) / 1000;
      statements += list.length;
      events += page.length;
      batches += 1;
      from = page[page.length - 1].position;
      if (performance.now() >= nextReport) {
        nextReport += 10_000;
        progress(`seed triggers ${((performance.now() - t0) / 1000).toFixed(0)} s: ${events} of ${head} events`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    if (events !== Number(head)) throw new Error(`seed design wrote ${events} of ${head} events within ${timeoutS} s`);
    const cpu = process.cpuUsage(cpu0);
    return { seconds, events, batches, statements, readSeconds, sqlSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await client.end();
    await connection.close();
  }
}

// ---------------------------------------------------------------- main

/**
 * What the worker reports for each mode (run.mjs reads these).
 * @typedef {ReturnType<typeof memory> & { sqlProfile: ReturnType<typeof sqlProfileResult> }} WorkerMemory
 * @typedef {Awaited<ReturnType<typeof projections>> & WorkerMemory} ProjectionsResult
 * @typedef {Awaited<ReturnType<typeof rebuild>> & WorkerMemory} RebuildResult
 * @typedef {Awaited<ReturnType<typeof logRead>> & WorkerMemory} LogReadResult
 * @typedef {Awaited<ReturnType<typeof seedTriggers>> & WorkerMemory} SeedTriggersResult
 */

try {
  const result =
    mode === 'projections'
      ? await projections()
      : mode === 'seed-triggers'
        ? await seedTriggers()
        : mode === 'rebuild'
          ? await rebuild()
          : mode === 'log-read'
            ? await logRead()
            : null;
  if (result === null) throw new Error(`unknown mode ${mode}`);
  if (expectedEvents !== undefined && result.events !== expectedEvents)
    throw new Error(`expected ${expectedEvents} events, the log holds ${result.events}`);
  clearInterval(sampler);
  process.send?.({ ok: true, result: { ...result, ...memory(), sqlProfile: sqlProfileResult() } });
} catch (error) {
  clearInterval(sampler);
  process.send?.({ ok: false, error: (error instanceof Error ? error.stack : undefined) ?? String(error) });
}
process.disconnect?.();
