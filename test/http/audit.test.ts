import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import { apiKeysEnv, commandClient, keyIdOf, TEST_KEYS } from '../support/commands.js';

const auditor = { authorization: `Bearer ${TEST_KEYS.auditor}` };
const reader = { authorization: `Bearer ${TEST_KEYS.reader}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each<Topology>(['embedded', 'server'])('audit [%s store]', (topology) => {
  let app: TestApp;
  const moments: { at: string; statistics: unknown; timeline: unknown[]; tracker: unknown }[] = [];

  /** What the live tables show for p1 now, once the projections have passed `position`. */
  async function capture(position: string) {
    const res = await app.app.inject({
      method: 'GET',
      url: '/patients/p1/statistics',
      headers: { ...reader, 'x-min-position': position },
    });
    expect(res.statusCode).toBe(200);
    await app.app.inject({
      method: 'GET',
      url: '/exports/tracker',
      headers: { ...reader, 'x-min-position': position },
    });
    await app.app.inject({
      method: 'GET',
      url: '/patients/p1/timeline',
      headers: { ...reader, 'x-min-position': position },
    });
    const db = app.infrastructure.database.db;
    const one = async (q: ReturnType<typeof sql<{ row: unknown }>>) => (await q.execute(db)).rows.map((r) => r.row);
    const statistics =
      (await one(sql`SELECT to_jsonb(t.*) AS row FROM patient_statistics t WHERE patient_id = 'p1'`))[0] ?? null;
    const timeline = await one(
      sql`SELECT to_jsonb(t.*) AS row FROM patient_timeline t WHERE patient_id = 'p1' ORDER BY event_date DESC, event_id DESC`,
    );
    const tracker = (await one(sql`SELECT to_jsonb(t.*) AS row FROM tracker_export t WHERE user_id = 'p1'`))[0] ?? null;
    await sleep(15);
    moments.push({ at: new Date().toISOString(), statistics, timeline, tracker });
    await sleep(15);
  }

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    const c = commandClient(app);
    await c.ok('RegisterDoctor', { doctorId: 'd1', name: 'Dr One' });
    await c.ok('RegisterPatient', { patientId: 'p1', firstName: 'Ada', lastName: 'L', ageGroup: 'U18' });
    await c.ok('RegisterPatient', { patientId: 'p2', firstName: 'Bo', lastName: 'M' });
    let last = await c.ok('RecordConsultation', {
      consultationId: 'c1',
      patientId: 'p1',
      doctorId: 'd1',
      consultationType: 'in_person',
      consultationDate: '2026-03-01',
    });
    await capture(last.position);
    await c.ok('UploadScan', {
      scanId: 's1',
      patientId: 'p1',
      fileUri: 's3://x',
      sha256: 'b'.repeat(64),
      sizeBytes: 10,
    });
    await c.ok('RecordPrediction', {
      scanId: 's1',
      predictionId: 'pr1',
      result: 'positive',
      stage: 3,
      confidence: 0.8,
      modelVersion: 'm',
    });
    await c.ok('LogSymptom', {
      patientId: 'p1',
      symptomId: 'neck_pain',
      severity: 4,
      loggedAt: '2026-03-02T10:00:00Z',
    });
    last = await c.ok('RecordConsultation', {
      consultationId: 'c2',
      patientId: 'p1',
      doctorId: 'd1',
      consultationType: 'follow_up',
      consultationDate: '2026-03-05',
      status: 'scheduled',
    });
    await capture(last.position);
    await c.ok('ChangeConsultationStatus', { consultationId: 'c2', status: 'completed' });
    await c.ok('LogSymptom', { patientId: 'p1', symptomId: 'headache', severity: 1, loggedAt: '2026-03-04T10:00:00Z' });
    await c.ok('RecordConsultation', {
      consultationId: 'c3',
      patientId: 'p2',
      doctorId: 'd1',
      consultationType: 'in_person',
      consultationDate: '2026-03-06',
    });
    last = await c.ok('RequestReport', { reportId: 'r1', patientId: 'p1', reportType: 'summary' });
    await capture(last.position);
  }, 120_000);
  afterAll(async () => app?.close());

  it('as-of: the patient at three past moments equals what the tables showed then', async () => {
    expect(moments).toHaveLength(3);
    expect(new Set(moments.map((m) => JSON.stringify(m.statistics))).size).toBe(3); // the moments differ
    for (const moment of moments) {
      const res = await app.app.inject({
        method: 'GET',
        url: `/audit/patients/p1/as-of?at=${encodeURIComponent(moment.at)}`,
        headers: auditor,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { statistics: unknown; timeline: unknown[]; tracker: unknown };
      expect({ statistics: body.statistics, timeline: body.timeline, tracker: body.tracker }).toEqual({
        statistics: moment.statistics,
        timeline: moment.timeline,
        tracker: moment.tracker,
      });
    }
  });

  it('as-of validates its input: bad time 400, unknown patient 404, reader 403', async () => {
    expect(
      (await app.app.inject({ method: 'GET', url: '/audit/patients/p1/as-of?at=yesterday', headers: auditor })).json(),
    ).toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ path: 'at' })],
    });
    expect(
      (
        await app.app.inject({
          method: 'GET',
          url: `/audit/patients/nobody/as-of?at=${encodeURIComponent(new Date().toISOString())}`,
          headers: auditor,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await app.app.inject({
          method: 'GET',
          url: `/audit/patients/p1/as-of?at=2026-01-01T00:00:00Z`,
          headers: reader,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('history: a stream in order with metadata, and the global log filtered and paged by position', async () => {
    const stream = (
      await app.app.inject({ method: 'GET', url: '/audit/streams/patient-p1', headers: auditor })
    ).json() as { events: { type: string; revision: string; metadata: { actor: { id: string } }; hash: string }[] };
    expect(stream.events.map((e) => [e.revision, e.type])).toEqual([['0', 'PatientRegistered']]);
    expect(stream.events[0]!.metadata.actor.id).toBe(keyIdOf(TEST_KEYS.service));
    expect(stream.events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(
      (await app.app.inject({ method: 'GET', url: '/audit/streams/patient-nobody', headers: auditor })).statusCode,
    ).toBe(404);

    const consultations = (
      await app.app.inject({
        method: 'GET',
        url: `/audit/events?type=ConsultationRecorded&actor=${keyIdOf(TEST_KEYS.service)}`,
        headers: auditor,
      })
    ).json() as { items: { data: { consultationId: string } }[] };
    expect(consultations.items.map((e) => e.data.consultationId)).toEqual(['c1', 'c2', 'c3']);
    expect(
      (
        (await app.app.inject({ method: 'GET', url: '/audit/events?actor=someone-else', headers: auditor })).json() as {
          items: unknown[];
        }
      ).items,
    ).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (
        await app.app.inject({
          method: 'GET',
          url: `/audit/events?type=PatientRegistered,DoctorRegistered&limit=1${cursor ? `&after=${cursor}` : ''}`,
          headers: auditor,
        })
      ).json() as { items: { type: string; data: Record<string, string> }[]; nextCursor: string | null };
      seen.push(...page.items.map((e) => e.data['patientId'] ?? e.data['doctorId']!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['d1', 'p1', 'p2']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (
        (
          await app.app.inject({
            method: 'GET',
            url: `/audit/events?from=${encodeURIComponent(future)}`,
            headers: auditor,
          })
        ).json() as { items: unknown[] }
      ).items,
    ).toEqual([]);
  });

  it('access record: a patient read by a reader key appears, for auditors only', async () => {
    await app.app.inject({ method: 'GET', url: '/patients/p2', headers: reader });
    const log = (
      await app.app.inject({ method: 'GET', url: '/audit/access?patientId=p2', headers: auditor })
    ).json() as { items: { keyId: string; role: string; endpoint: string; patientId: string; at: string }[] };
    expect(log.items).toEqual([
      expect.objectContaining({
        keyId: keyIdOf(TEST_KEYS.reader),
        role: 'reader',
        endpoint: '/patients/p2',
        patientId: 'p2',
      }),
    ]);
    expect((await app.app.inject({ method: 'GET', url: '/audit/access', headers: reader })).statusCode).toBe(403);
    const all = (await app.app.inject({ method: 'GET', url: '/audit/access?limit=500', headers: auditor })).json() as {
      items: { patientId: string | null; endpoint: string }[];
    };
    expect(all.items.some((i) => i.endpoint.startsWith('/patients/p1/statistics') && i.patientId === 'p1')).toBe(true);
    await expect(sql`DELETE FROM caretrack_audit.access_log`.execute(app.infrastructure.database.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('integrity: clean, then an event altered in SQL is reported with its stream and revision', async () => {
    expect((await app.app.inject({ method: 'GET', url: '/audit/integrity', headers: auditor })).json()).toMatchObject({
      clean: true,
      problems: [],
    });
    await sql`UPDATE caretrack_events.events SET data = jsonb_set(data::jsonb, '{lastName}', '"Forged"') WHERE stream_id = 'patient-p2'`.execute(
      app.infrastructure.database.db,
    );
    const report = (await app.app.inject({ method: 'GET', url: '/audit/integrity', headers: auditor })).json() as {
      clean: boolean;
      problems: unknown[];
    };
    expect(report.clean).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ stream: 'patient-p2', revision: '0', kind: 'altered' }),
    ]);
  });
});
