import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_DATA_KEY } from '../support/app.js';
import { holdBuiltDist, recordBuild } from '../support/build.js';
import { apiKeysEnv, TEST_KEYS } from '../support/commands.js';
import { startApi, type ApiProcess } from './support/api-process.js';
import { startLoad, request, type Outcome } from './support/load.js';
import { freePort, startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** True while something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The fault suite (SPEC §10): real API processes on a PostgreSQL of the suite's own (initdb +
 * pg_ctl in a temporary directory, on a free port; the shared server is never touched), restarted
 * and stopped under load; SIGTERM and SIGKILL of the API; and SIGTERM to `npm start` as the README
 * runs it. Checks outcomes only (statuses, the log through /audit/events, verify), not how the
 * append or the engine work inside.
 */
describe('faults [own PostgreSQL, real API processes]', () => {
  let pg: OwnPostgres;
  /** set once the suite holds dist/ (its `npm start` builds it again: nobody else may use it meanwhile) */
  let releaseDist: (() => Promise<void>) | undefined;
  const started: ApiProcess[] = [];
  /** every event id a 201 returned, across the suite: each must be in the log exactly once */
  const accepted: string[] = [];
  let api: ApiProcess | null = null;

  beforeAll(async () => {
    pg = await startOwnPostgres();
  }, 120_000);

  afterAll(async () => {
    try {
      for (const p of started) if (p.alive()) p.child.kill('SIGKILL');
      await pg?.destroy();
    } finally {
      await releaseDist?.();
    }
  });

  async function ensureBuilt(): Promise<void> {
    releaseDist ??= await holdBuiltDist();
  }

  /** An API on the suite's PostgreSQL; `leaseMs` is how long its projection leases live unrenewed. */
  async function launch(leaseMs: number): Promise<ApiProcess> {
    await ensureBuilt();
    // Instances on one database share its master key, as production replicas do (SPEC §9).
    const p = await startApi({
      ...apiKeysEnv,
      DATABASE_URL: pg.url,
      DATA_KEY: TEST_DATA_KEY,
      PROJECTION_LEASE_MS: String(leaseMs),
    });
    started.push(p);
    return p;
  }

  /** The running API, or a new one. */
  async function running(leaseMs = 60_000): Promise<ApiProcess> {
    if (api?.alive()) return api;
    api = await launch(leaseMs);
    return api;
  }

  async function get(
    p: ApiProcess,
    path: string,
    key: string = TEST_KEYS.reader,
    headers: Record<string, string> = {},
  ) {
    return request(`${p.url}${path}`, { headers: { ...auth(key), ...headers } }, 'query');
  }

  async function command(p: ApiProcess, name: string, body: object) {
    const sent = await request(
      `${p.url}/commands/${name}`,
      {
        method: 'POST',
        headers: { ...auth(TEST_KEYS.service), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      'command',
    );
    accepted.push(...sent.eventIds);
    return sent;
  }

  /** Registers `n` patients and waits until the projections show them (the load reads them). */
  async function registerPatients(p: ApiProcess, n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, (_, i) => `fault-${Date.now().toString(36)}-${i}`);
    let position = '0';
    for (const id of ids) {
      const sent = await command(p, 'RegisterPatient', { patientId: id, firstName: 'F', lastName: 'T' });
      expect(sent.status).toBe(201);
      position = (sent.body as { position: string }).position;
    }
    expect(
      (await get(p, `/patients/${ids.at(-1)}/timeline`, TEST_KEYS.reader, { 'x-min-position': position })).status,
    ).toBe(200);
    return ids;
  }

  async function readyWithin(p: ApiProcess, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while ((await request(`${p.url}/ready`, {}, 'query')).status !== 200) {
      if (Date.now() > deadline) throw new Error(`not ready within ${ms} ms`);
      await sleep(200);
    }
  }

  /** How often each event id appears in the log, read through the API (outcome, not storage layout). */
  async function logCounts(p: ApiProcess): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const page = await get(p, `/audit/events?limit=500${cursor ? `&after=${cursor}` : ''}`, TEST_KEYS.auditor);
      expect(page.status).toBe(200);
      const body = page.body as { items: { id: string }[]; nextCursor: string | null };
      for (const e of body.items) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
      cursor = body.nextCursor;
    } while (cursor);
    return counts;
  }

  async function expectEveryAcceptedStoredOnce(p: ApiProcess): Promise<void> {
    const counts = await logCounts(p);
    const wrong = accepted.filter((id) => counts.get(id) !== 1).map((id) => `${id}: ${counts.get(id) ?? 0}`);
    expect(wrong).toEqual([]);
  }

  /** One line per scenario in the test output: what the clients saw. */
  function summarise(scenario: string, outcomes: Outcome[]) {
    const by = new Map<string, number>();
    for (const o of outcomes) {
      const key = [o.kind, o.status, o.code, o.error].filter((part) => part !== undefined).join(' ');
      by.set(key, (by.get(key) ?? 0) + 1);
    }
    process.stdout.write(
      `[faults] ${scenario}: ${outcomes.length} requests: ${[...by].map(([k, n]) => `${k} ×${n}`).join(', ')}\n`,
    );
  }

  /** No 500, no missing answer, and every error is problem+json (with Retry-After on 503). */
  function expectCleanOutcomes(outcomes: Outcome[], allowedCodes: string[]) {
    const bad = outcomes.filter(
      (o) =>
        !(
          o.status === 200 ||
          o.status === 201 ||
          (o.status === 503 && o.problemJson && allowedCodes.includes(o.code!) && o.retryAfter)
        ),
    );
    expect(bad.map(({ kind, status, code, error }) => ({ kind, status, code, error }))).toEqual([]);
  }

  async function noProjectionFaulted(p: ApiProcess) {
    const res = await get(p, '/admin/projections', TEST_KEYS.admin);
    const { projections } = res.body as { projections: { name: string; status: string; owner: string | null }[] };
    expect(projections.filter((x) => x.status === 'faulted')).toEqual([]);
    return projections;
  }

  it('defect 8: SIGTERM to `npm start`, run as the README runs it, stops the service: nothing left listening, within 10 s', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'caretrack-faults-npm-'));
    const port = await freePort();
    try {
      // The README's way: `npm start` (its prestart builds), the embedded store, no settings but keys.
      await ensureBuilt(); // holds dist/ while the prestart builds it again
      const p = await startApi(
        { ...apiKeysEnv, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' },
        { file: 'npm', args: ['start'] },
      );
      started.push(p);
      await recordBuild(); // the prestart built dist/ for the rest of the suite (and for the other suites that run dist/)
      const children = execFileSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      expect(await listening(port)).toBe(true);
      const signalled = Date.now();
      p.child.kill('SIGTERM');
      const { at } = await p.exited;
      const deadline = Date.now() + 10_000;
      while ((children.some(alive) || (await listening(port))) && Date.now() < deadline) await sleep(100);
      expect(children.filter(alive)).toEqual([]); // no orphaned node process
      expect(await listening(port)).toBe(false);
      expect(Math.max(at, Date.now()) - signalled).toBeLessThan(10_000);
      expect(p.logs.some((line) => line['msg'] === 'stopped')).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('defect 1: PostgreSQL restarted in the middle of a command and query load: the process stays up, clients see 503 then success, every 201 stored once', async () => {
    const p = await running();
    const patients = await registerPatients(p, 4);
    const ready: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        ready.push((await request(`${p.url}/ready`, {}, 'query')).status);
        await sleep(50);
      }
    })();
    const load = startLoad({
      url: p.url,
      serviceKey: TEST_KEYS.service,
      readerKey: TEST_KEYS.reader,
      clients: 4,
      patients,
    });
    await sleep(1500);
    await pg.restart();
    const restartedAt = Date.now();
    await sleep(4000);
    const outcomes = await load.stop();
    polling = false;
    await poll;
    summarise('PostgreSQL restarted', outcomes);
    accepted.push(...outcomes.flatMap((o) => o.eventIds));
    expect(p.alive()).toBe(true);
    expectCleanOutcomes(outcomes, ['store_unavailable']);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status === 201 && o.startedAt > restartedAt).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status === 200 && o.startedAt > restartedAt).length).toBeGreaterThan(0);
    expect(ready).toContain(503);
    await readyWithin(p, 10_000);
    await expectEveryAcceptedStoredOnce(p);
    await noProjectionFaulted(p);
  }, 120_000);

  it('PostgreSQL stopped for 10 s, then started: 503 problem+json with Retry-After meanwhile, then everything works by itself', async () => {
    const p = await running();
    const patients = await registerPatients(p, 4);
    const load = startLoad({
      url: p.url,
      serviceKey: TEST_KEYS.service,
      readerKey: TEST_KEYS.reader,
      clients: 4,
      patients,
    });
    await sleep(1000);
    await pg.stop();
    const stoppedAt = Date.now();
    await sleep(10_000);
    const during = await get(p, `/patients/${patients[0]}`);
    expect(during.status).toBe(503);
    expect((await request(`${p.url}/ready`, {}, 'query')).status).toBe(503);
    const startingAt = Date.now(); // from here PostgreSQL may answer again
    await pg.start();
    const startedAt = Date.now();
    await readyWithin(p, 15_000);
    await sleep(2000);
    const outcomes = await load.stop();
    summarise('PostgreSQL stopped 10 s', outcomes);
    accepted.push(...outcomes.flatMap((o) => o.eventIds));
    expect(p.alive()).toBe(true);
    expectCleanOutcomes(outcomes, ['store_unavailable']);
    const inOutage = outcomes.filter((o) => o.startedAt > stoppedAt + 500 && o.endedAt < startingAt);
    expect(inOutage.length).toBeGreaterThan(10);
    expect(inOutage.filter((o) => o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 201 && o.startedAt > startedAt).length).toBeGreaterThan(0);
    // The projections went on by themselves: a read of a new write is served.
    const last = await command(p, 'LogSymptom', {
      patientId: patients[0],
      symptomId: 'dizziness',
      severity: 1,
      loggedAt: '2026-02-01T00:00:00Z',
    });
    expect(last.status).toBe(201);
    const read = await get(p, `/patients/${patients[0]}/timeline`, TEST_KEYS.reader, {
      'x-min-position': (last.body as { position: string }).position,
    });
    expect(read.status).toBe(200);
    await expectEveryAcceptedStoredOnce(p);
    await noProjectionFaulted(p);
  }, 120_000);

  it('defect 8: SIGTERM during load: running requests finish, new ones get 503 problem+json, exit within 10 s, leases released', async () => {
    const p = await running(); // its leases live 60 s unrenewed: only a release frees them sooner
    const patients = await registerPatients(p, 4);
    const load = startLoad({
      url: p.url,
      serviceKey: TEST_KEYS.service,
      readerKey: TEST_KEYS.reader,
      clients: 4,
      patients,
    });
    await sleep(1000);
    // A request still running when the signal comes: it waits for a position no projection reaches.
    const slow = get(p, '/patients', TEST_KEYS.reader, { 'x-min-position': '999999999999' });
    await sleep(200);
    const signalled = Date.now();
    p.child.kill('SIGTERM');
    const { code, at } = await p.exited;
    const outcomes = await load.stop();
    summarise(`SIGTERM (exit ${code} after ${at - signalled} ms)`, outcomes);
    accepted.push(...outcomes.flatMap((o) => o.eventIds));
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);
    const slowOutcome = await slow;
    expect({ status: slowOutcome.status, code: slowOutcome.code }).toEqual({ status: 503, code: 'projection_behind' }); // answered in full
    const beforeSignal = outcomes.filter((o) => o.startedAt < signalled);
    expect(beforeSignal.filter((o) => o.status === 0)).toEqual([]);
    // After the signal: a problem+json 503, or (once it stopped listening) no connection at all.
    const afterSignal = outcomes.filter((o) => o.startedAt >= signalled);
    expect(
      afterSignal.filter(
        (o) =>
          o.status !== 0 &&
          !(o.status === 503 && o.problemJson && o.code === 'shutting_down') &&
          o.status !== 200 &&
          o.status !== 201,
      ),
    ).toEqual([]);
    // Its leases were given back: a new instance holds every projection at once, not after 60 s.
    const next = await running(3_000);
    const deadline = Date.now() + 8_000;
    let owners: (string | null)[] = [];
    while (Date.now() < deadline) {
      owners = (await noProjectionFaulted(next)).map((x) => x.owner);
      if (owners.every((o) => o?.includes(`-${next.pid}-`))) break;
      await sleep(200);
    }
    expect(owners.filter((o) => !o?.includes(`-${next.pid}-`))).toEqual([]);
    await expectEveryAcceptedStoredOnce(next);
  }, 120_000);

  it('kill -9 under load, restart: every 201 stored once and every projection verifies clean', async () => {
    const p = await running(3_000);
    const patients = await registerPatients(p, 4);
    const load = startLoad({
      url: p.url,
      serviceKey: TEST_KEYS.service,
      readerKey: TEST_KEYS.reader,
      clients: 4,
      patients,
    });
    await sleep(2000);
    p.child.kill('SIGKILL');
    await p.exited;
    const outcomes = await load.stop();
    summarise('kill -9', outcomes);
    accepted.push(...outcomes.flatMap((o) => o.eventIds));
    const next = await running(3_000);
    // Catch up: a new write read through every projection's endpoints.
    const last = await command(next, 'LogSymptom', {
      patientId: patients[0],
      symptomId: 'fatigue_or_low_energy',
      severity: 2,
      loggedAt: '2026-03-01T00:00:00Z',
    });
    expect(last.status).toBe(201);
    const position = (last.body as { position: string }).position;
    const deadline = Date.now() + 60_000;
    await noProjectionFaulted(next);
    while (Date.now() < deadline) {
      const res = await get(next, '/admin/projections', TEST_KEYS.admin);
      const list = (res.body as { projections: { name: string; position: string | null; lag: number }[] }).projections;
      if (list.every((x) => x.lag === 0)) break;
      await sleep(300);
    }
    expect(
      (await get(next, `/patients/${patients[0]}/timeline`, TEST_KEYS.reader, { 'x-min-position': position })).status,
    ).toBe(200);
    for (const { name } of await noProjectionFaulted(next)) {
      const report = await request(
        `${next.url}/admin/projections/${name}/verify`,
        { method: 'POST', headers: auth(TEST_KEYS.admin) },
        'query',
      );
      expect({ name, status: report.status, matches: (report.body as { matches?: boolean }).matches }).toEqual({
        name,
        status: 200,
        matches: true,
      });
    }
    await expectEveryAcceptedStoredOnce(next);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  }, 180_000);
});
