import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allProjections } from '../../projections/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS } from '../support/commands.js';

const admin = { authorization: `Bearer ${TEST_KEYS.admin}` };
const reader = { authorization: `Bearer ${TEST_KEYS.reader}` };

/** Commands for a few people: every projection gets rows. Returns the last position. */
async function traffic(app: TestApp, round: number): Promise<string> {
  const c = commandClient(app);
  let last = '0';
  if (round === 0) await c.ok('RegisterDoctor', { doctorId: 'ed1', name: 'Dr E' });
  for (let i = 0; i < 4; i++) {
    const p = `e${round}-${i}`;
    await c.ok('RegisterPatient', { patientId: p, firstName: 'E', lastName: p });
    await c.ok('AssignDoctor', { patientId: p, doctorId: 'ed1', assignmentType: 'primary' });
    await c.ok('RecordConsultation', {
      consultationId: `ec${round}-${i}`,
      patientId: p,
      doctorId: 'ed1',
      consultationType: 'in_person',
      consultationDate: '2026-04-01',
    });
    await c.ok('UploadScan', {
      scanId: `es${round}-${i}`,
      patientId: p,
      fileUri: 's3://x',
      sha256: 'c'.repeat(64),
      sizeBytes: 5,
    });
    await c.ok('RecordPrediction', {
      scanId: `es${round}-${i}`,
      predictionId: 'p',
      result: 'positive',
      stage: i,
      confidence: 0.7,
      modelVersion: 'm',
    });
    await c.ok('RequestReport', { reportId: `er${round}-${i}`, patientId: p, reportType: 'summary' });
    await c.ok('StartReportGeneration', { reportId: `er${round}-${i}` });
    await c.ok('CompleteReport', { reportId: `er${round}-${i}`, reportUri: 's3://r' });
    for (let l = 0; l < 3; l++)
      await c.ok('LogSymptom', {
        patientId: p,
        symptomId: 'headache',
        severity: 3 - l,
        loggedAt: new Date(Date.UTC(2026, 3, 1) + l * 26 * 3_600_000).toISOString(),
      });
    await c.ok('StartSession', {
      sessionId: `ss${round}-${i}`,
      playerId: p,
      sessionType: 'match',
      startTime: '2026-04-02T10:00:00Z',
    });
    last = (
      await c.ok('CompleteSession', {
        sessionId: `ss${round}-${i}`,
        endTime: '2026-04-02T11:30:00Z',
        kpis: { passes: 10 + i },
      })
    ).position;
  }
  return last;
}

async function caughtUp(app: TestApp, position: string) {
  const res = await app.app.inject({
    method: 'GET',
    url: '/exports/tracker',
    headers: { ...reader, 'x-min-position': position },
  });
  expect(res.statusCode).toBe(200);
  for (const url of ['/patients/e0-0/statistics', '/patients/e0-0/timeline', '/sessions/ss0-0/kpis']) {
    expect(
      (await app.app.inject({ method: 'GET', url, headers: { ...reader, 'x-min-position': position } })).statusCode,
    ).toBe(200);
  }
}

/** Every projection equals a replay of the whole history: nothing applied twice, nothing skipped. */
async function everyProjectionMatchesReplay(app: TestApp) {
  for (const p of allProjections) {
    const res = await app.app.inject({ method: 'POST', url: `/admin/projections/${p.name}/verify`, headers: admin });
    expect({ name: p.name, body: res.json() }).toMatchObject({
      name: p.name,
      body: { matches: true, differences: [] },
    });
  }
}

describe('production topology: events in EventStoreDB, read tables in PostgreSQL', () => {
  let first: TestApp;
  let second: TestApp | null = null;

  beforeAll(async () => {
    first = await startTestApp('esdb', apiKeysEnv);
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close().catch(() => undefined);
  });

  it('a restart of the projections over EventStoreDB neither re-applies nor skips an event', async () => {
    await caughtUp(first, await traffic(first, 0));
    await everyProjectionMatchesReplay(first);
    const statistics = (
      await first.app.inject({ method: 'GET', url: '/patients/e0-1/statistics', headers: reader })
    ).json();
    // Stop the process's parts, keep EventStoreDB and PostgreSQL; start again on them.
    await first.runner.stop();
    await first.app.close();
    await first.infrastructure.close();
    second = await startTestApp('esdb', {
      ...apiKeysEnv,
      EVENTSTORE_URL: first.config.eventStoreUrl!,
      DATABASE_URL: first.config.databaseUrl!,
    });
    await caughtUp(second, await traffic(second, 1));
    await everyProjectionMatchesReplay(second);
    expect(
      (await second.app.inject({ method: 'GET', url: '/patients/e0-1/statistics', headers: reader })).json(),
    ).toEqual(statistics);
    const status = (await second.app.inject({ method: 'GET', url: '/admin/projections', headers: admin })).json() as {
      projections: { name: string; position: string | null; lag: number }[];
    };
    for (const p of status.projections) expect({ name: p.name, lag: p.lag }).toEqual({ name: p.name, lag: 0 });
    expect(BigInt(status.projections[0]!.position!)).toBeGreaterThan(2n ** 64n); // ESDB positions packed whole (commit, prepare)
  }, 120_000);

  it('a rebuild on this topology builds, verifies and swaps', async () => {
    const app = second!;
    expect(
      (await app.app.inject({ method: 'POST', url: '/admin/projections/patient_timeline/rebuild', headers: admin }))
        .statusCode,
    ).toBe(202);
    const deadline = Date.now() + 60_000;
    let state = '';
    while (Date.now() < deadline) {
      state = (
        (
          await app.app.inject({ method: 'GET', url: '/admin/projections/patient_timeline/rebuild', headers: admin })
        ).json() as { state: string }
      ).state;
      if (state === 'swapped' || state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('swapped');
    await everyProjectionMatchesReplay(app);
  }, 90_000);
});
