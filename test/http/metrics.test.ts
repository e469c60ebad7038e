import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parsePrometheusText, sampleValue } from '../support/prometheus.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, TEST_KEYS, uid } from '../support/commands.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('GET /metrics after some traffic', () => {
  let app: TestApp;
  let text = '';
  const patients = [uid('p'), uid('p'), uid('p')];

  beforeAll(async () => {
    app = await startTestApp('server', apiKeysEnv);
    const client = commandClient(app);
    for (const id of patients) await client.ok('RegisterPatient', bodies.patient(id));
    // two conflicts (already registered), one validation error, one unknown command
    await client.send('RegisterPatient', bodies.patient(patients[0]!));
    await client.send('RegisterPatient', bodies.patient(patients[1]!));
    await client.send('RegisterPatient', { patientId: patients[2] });
    await client.send('MakeCoffee', {});
    // one command sent twice with the same Idempotency-Key: the second is a replay
    const doctor = uid('d');
    const last = await client.ok('RegisterDoctor', bodies.doctor(doctor), { 'idempotency-key': 'metrics-test-1' });
    const replay = await client.send('RegisterDoctor', bodies.doctor(doctor), { 'idempotency-key': 'metrics-test-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // failed authentications: 2 without a key, 3 with an unknown one; a 403 is not one
    for (let i = 0; i < 2; i++) await app.app.inject({ method: 'GET', url: '/patients' });
    for (let i = 0; i < 3; i++)
      await app.app.inject({ method: 'GET', url: '/patients', headers: auth('not-a-key-of-this-service-at-all') });
    await app.app.inject({ method: 'GET', url: '/admin/projections', headers: auth(TEST_KEYS.reader) });
    // queries on a route with a path parameter, and a URL that matches no route
    for (const id of patients) {
      const res = await app.app.inject({
        method: 'GET',
        url: `/patients/${id}`,
        headers: { ...auth(TEST_KEYS.reader), 'x-min-position': last.position },
      });
      expect(res.statusCode).toBe(200);
    }
    await app.app.inject({ method: 'GET', url: '/no/such/route' });
    // every projection has applied every event (the counters are fed after each commit)
    for (let i = 0; i < 200 && (app.runner.appliedThrough() ?? -1n) < BigInt(last.position); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(app.runner.appliedThrough()).toBeGreaterThanOrEqual(BigInt(last.position));
    const scrape = await app.app.inject({ method: 'GET', url: '/metrics', headers: auth(TEST_KEYS.metrics) });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    text = scrape.body;
  }, 120_000);
  afterAll(async () => app?.close());

  const value = (name: string, labels: Record<string, string> = {}) =>
    sampleValue(parsePrometheusText(text), name, labels);

  it('counts commands by name and outcome, exactly as sent', () => {
    expect(value('caretrack_commands_total', { command: 'RegisterPatient', outcome: '201' })).toBe(3);
    expect(value('caretrack_commands_total', { command: 'RegisterPatient', outcome: '409' })).toBe(2);
    expect(value('caretrack_commands_total', { command: 'RegisterPatient', outcome: '400' })).toBe(1);
    expect(value('caretrack_commands_total', { command: 'unknown', outcome: '404' })).toBe(1);
    expect(value('caretrack_commands_total', { command: 'RegisterDoctor', outcome: '201' })).toBe(2);
    expect(value('caretrack_command_duration_seconds_count', { command: 'RegisterPatient', outcome: '201' })).toBe(3);
    expect(
      value('caretrack_command_duration_seconds_sum', { command: 'RegisterPatient', outcome: '201' }),
    ).toBeGreaterThan(0);
  });

  it('counts the idempotent replay and times each append (one per accepted command, replays append nothing)', () => {
    expect(value('caretrack_idempotent_replays_total', { command: 'RegisterDoctor' })).toBe(1);
    expect(value('caretrack_append_duration_seconds_count', { result: 'ok' })).toBe(4);
    expect(value('caretrack_append_duration_seconds_bucket', { result: 'ok', le: '+Inf' })).toBe(4);
  });

  it('counts failed authentications by reason, and not a 403', () => {
    expect(value('caretrack_failed_authentications_total', { reason: 'missing' })).toBe(2);
    expect(value('caretrack_failed_authentications_total', { reason: 'invalid' })).toBe(3);
  });

  it('times HTTP requests by route template, never by raw URL', () => {
    expect(
      value('caretrack_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/patients/:id',
        status_code: '200',
      }),
    ).toBe(3);
    expect(
      value('caretrack_http_request_duration_seconds_count', { method: 'GET', route: '/patients', status_code: '401' }),
    ).toBe(5);
    expect(
      value('caretrack_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }),
    ).toBe(1);
    expect(text).not.toContain(patients[0]);
  });

  it('counts the events each projection applied to its live tables, one observation per committed batch', () => {
    // 3 registrations (the refused ones appended nothing) and 1 doctor
    expect(value('caretrack_projection_events_applied_total', { projection: 'patients' })).toBe(3);
    expect(value('caretrack_projection_events_applied_total', { projection: 'tracker_export' })).toBe(3);
    expect(value('caretrack_projection_events_applied_total', { projection: 'doctors' })).toBe(1);
    // a projection none of whose events came has applied nothing (checkpoint-only writes are no batch)
    expect(value('caretrack_projection_events_applied_total', { projection: 'consultations' })).toBeUndefined();
    for (const projection of ['patients', 'doctors']) {
      const batches = value('caretrack_projection_batch_size_count', { projection })!;
      expect(batches).toBeGreaterThanOrEqual(1);
      expect(value('caretrack_projection_batch_size_sum', { projection })).toBe(
        value('caretrack_projection_events_applied_total', { projection }),
      );
      expect(value('caretrack_projection_apply_duration_seconds_count', { projection })).toBe(batches);
      expect(value('caretrack_projection_apply_duration_seconds_sum', { projection })).toBeGreaterThan(0);
    }
  });

  it('includes the Node process metrics', () => {
    expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('answers the metrics key and an admin; 401 without a key, 403 for other roles', async () => {
    expect((await app.app.inject({ method: 'GET', url: '/metrics', headers: auth(TEST_KEYS.admin) })).statusCode).toBe(
      200,
    );
    expect((await app.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    for (const key of [TEST_KEYS.service, TEST_KEYS.reader, TEST_KEYS.auditor]) {
      expect((await app.app.inject({ method: 'GET', url: '/metrics', headers: auth(key) })).statusCode).toBe(403);
    }
    // the metrics key reads nothing else
    expect(
      (await app.app.inject({ method: 'GET', url: '/patients', headers: auth(TEST_KEYS.metrics) })).statusCode,
    ).toBe(403);
  });

  it('keeps one registry per app: a second app starts from zero', async () => {
    const other = await startTestApp('server', apiKeysEnv);
    try {
      const res = await other.app.inject({ method: 'GET', url: '/metrics', headers: auth(TEST_KEYS.metrics) });
      expect(
        sampleValue(parsePrometheusText(res.body), 'caretrack_commands_total', {
          command: 'RegisterPatient',
          outcome: '201',
        }),
      ).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('caretrack_command_conflict_retries_total', () => {
  let first: TestApp;
  let second: TestApp;
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('counts every retry the executor made when two API processes race on one stream without If-Match', async () => {
    // Two API processes on one database: inside one process a stream's commands never race
    // (its lane), between two they do, and the loser of each race is decided again.
    first = await startTestApp('server', apiKeysEnv);
    second = await startTestApp('server', { ...apiKeysEnv, CARETRACK_ROLE: 'api' }, { besides: first });
    const clients = [commandClient(first), commandClient(second)];
    const retriesOf = async (app: TestApp) => {
      const samples = parsePrometheusText(
        (await app.app.inject({ method: 'GET', url: '/metrics', headers: auth(TEST_KEYS.metrics) })).body,
      );
      return samples.filter((s) => s.name === 'caretrack_command_conflict_retries_total');
    };
    expect(await retriesOf(first)).toEqual([]);
    // Races are likely in every round but not certain: go on until some were retried.
    for (
      let round = 0;
      round < 10 && first.executor.stats().conflictRetries + second.executor.stats().conflictRetries === 0;
      round++
    ) {
      const patientId = uid('p');
      await clients[0]!.ok('RegisterPatient', bodies.patient(patientId));
      const answers = await Promise.all(
        Array.from({ length: 32 }, (_, i) => clients[i % 2]!.send('LogSymptom', bodies.symptom(patientId))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(32).fill(201));
    }
    let total = 0;
    for (const app of [first, second]) {
      const samples = await retriesOf(app);
      const retries = app.executor.stats().conflictRetries;
      // every retry of this process, by the command retried: all LogSymptom here
      expect(samples.reduce((n, s) => n + s.value, 0)).toBe(retries);
      if (retries > 0) expect(samples.map((s) => s.labels)).toEqual([{ command: 'LogSymptom' }]);
      total += retries;
    }
    expect(total).toBeGreaterThan(0);
  }, 120_000);
});

describe('GET /metrics for projections', () => {
  let app: TestApp;
  afterAll(async () => app?.close());

  it('shows lag in events and seconds, status and time since progress while the runner stands still, then a finished rebuild', async () => {
    app = await startTestApp('server', apiKeysEnv);
    const client = commandClient(app);
    const first = await client.ok('RegisterPatient', bodies.patient(uid('p')));
    await app.app.inject({
      method: 'GET',
      url: '/patients',
      headers: { ...auth(TEST_KEYS.reader), 'x-min-position': first.position },
    });
    const scrape = async () =>
      parsePrometheusText(
        (await app.app.inject({ method: 'GET', url: '/metrics', headers: auth(TEST_KEYS.admin) })).body,
      );

    const before = await scrape();
    expect(sampleValue(before, 'caretrack_projection_position', { projection: 'patients' })).toBe(
      Number(first.position),
    );
    expect(sampleValue(before, 'caretrack_projection_lag_events', { projection: 'patients' })).toBe(0);
    expect(sampleValue(before, 'caretrack_projection_lag_seconds', { projection: 'patients' })).toBe(0);
    expect(sampleValue(before, 'caretrack_projection_status', { projection: 'patients', status: 'running' })).toBe(1);
    expect(
      before.filter((s) => s.name === 'caretrack_projection_status' && s.labels['projection'] === 'patients'),
    ).toHaveLength(5);
    expect(before.filter((s) => s.name === 'caretrack_projection_rebuild_progress_ratio')).toEqual([]);

    await app.runner.halt(); // alive, but no longer making progress
    const sent = Date.now();
    for (let i = 0; i < 3; i++) await client.ok('RegisterPatient', bodies.patient(uid('p')));
    await new Promise((r) => setTimeout(r, 1500));
    const behind = await scrape();
    expect(sampleValue(behind, 'caretrack_projection_lag_events', { projection: 'patients' })).toBe(3);
    const lagSeconds = sampleValue(behind, 'caretrack_projection_lag_seconds', { projection: 'patients' })!;
    expect(lagSeconds).toBeGreaterThanOrEqual(1.4);
    expect(lagSeconds).toBeLessThanOrEqual((Date.now() - sent) / 1000 + 1);
    expect(sampleValue(behind, 'caretrack_projection_status', { projection: 'patients', status: 'catching_up' })).toBe(
      1,
    );
    expect(sampleValue(behind, 'caretrack_projection_status', { projection: 'patients', status: 'running' })).toBe(0);
    expect(
      sampleValue(behind, 'caretrack_projection_seconds_since_progress', { projection: 'patients' }),
    ).toBeGreaterThanOrEqual(1.4);
    // a projection whose events did not come stays running with no lag
    expect(sampleValue(behind, 'caretrack_projection_lag_events', { projection: 'doctors' })).toBe(0);

    const admin = await app.app.inject({ method: 'GET', url: '/admin/projections', headers: auth(TEST_KEYS.admin) });
    const listed = (
      admin.json() as { projections: { name: string; lag: number; lagSeconds: number; secondsSinceProgress: number }[] }
    ).projections.find((p) => p.name === 'patients')!;
    expect(listed).toMatchObject({ lag: 3, lagSeconds: expect.any(Number), secondsSinceProgress: expect.any(Number) });
    expect(listed.lagSeconds).toBeGreaterThanOrEqual(1.4);

    await app.projectionAdmin.startRebuild('doctors');
    await app.projectionAdmin.settled('doctors');
    const rebuilt = await scrape();
    expect(sampleValue(rebuilt, 'caretrack_projection_rebuild_progress_ratio', { projection: 'doctors' })).toBe(1);
  }, 120_000);
});
