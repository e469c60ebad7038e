import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompiledQuery } from 'kysely';
import type { CommandName } from '../../libs/domain/commands.js';
import { parsePosition } from '../../libs/event-store/index.js';
import { waitForPosition } from '../../libs/projection-engine/index.js';
import { allProjections } from '../../projections/index.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS, type CommandBody } from '../support/commands.js';

/*
 * The five admin queries of seed 001 ("What Admins Can Now Do"), verbatim: the read tables must
 * keep answering them. Only two edits, for PostgreSQL: `dpa.is_active = 1` becomes
 * `dpa.is_active` (a boolean column), and the `?` placeholder becomes `$1` (the patient id).
 */
const SEED_QUERIES = {
  patientsWithStats: `SELECT p.*, ps.* 
FROM patients p
LEFT JOIN patient_statistics ps ON p.patient_id = ps.patient_id
ORDER BY ps.last_visit_date DESC;`,
  patientHistory: `SELECT * FROM patient_timeline 
WHERE patient_id = ?
ORDER BY event_date DESC;`,
  doctorsTreatingPatient: `SELECT d.*, COUNT(c.id) as consultations
FROM doctor_patient_assignments dpa
JOIN doctors d ON dpa.doctor_id = d.doctor_id
LEFT JOIN consultations c ON c.doctor_id = d.doctor_id
WHERE dpa.patient_id = ? AND dpa.is_active = 1
GROUP BY d.doctor_id;`,
  reportPipeline: `SELECT * FROM report_status
WHERE status IN ('pending', 'generating', 'failed')
ORDER BY requested_at ASC;`,
  consultationHistory: `SELECT c.*, d.name as doctor_name
FROM consultations c
JOIN doctors d ON c.doctor_id = d.doctor_id
WHERE c.patient_id = ?
ORDER BY c.consultation_date DESC;`,
} as const;

const forPostgres = (text: string) => text.replace('dpa.is_active = 1', 'dpa.is_active').replace('?', '$1');

type Row = Record<string, unknown>;

/** A row with times as ISO strings and counts as numbers (pg gives bigint as string, PGlite as number). */
function plain(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );
}

describe.each<Topology>(['embedded', 'server'])('seed 001 admin queries on the read tables [%s store]', (topology) => {
  let app: TestApp;
  const eventIds = new Map<string, string>();

  async function run(name: keyof typeof SEED_QUERIES, patientId?: string): Promise<Row[]> {
    const text = forPostgres(SEED_QUERIES[name]);
    const result = await app.infrastructure.database.db.executeQuery<Row>(
      CompiledQuery.raw(text, patientId === undefined ? [] : [patientId]),
    );
    return result.rows.map(plain);
  }

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    const client = commandClient(app);
    let position = '0';
    const send = async <N extends CommandName>(label: string, name: N, body: CommandBody<N>) => {
      const accepted = await client.ok(name, body);
      eventIds.set(label, accepted.events[0]!.id);
      position = accepted.position;
    };
    for (const [patientId, firstName] of [
      ['p1', 'Ana'],
      ['p2', 'Ben'],
      ['p3', 'Cy'],
    ] as const) {
      await send(`reg:${patientId}`, 'RegisterPatient', { patientId, firstName, lastName: 'Test' });
    }
    await send('reg:d1', 'RegisterDoctor', { doctorId: 'd1', name: 'Dr Grace Hopper', specialization: 'neurology' });
    await send('reg:d2', 'RegisterDoctor', { doctorId: 'd2', name: 'Dr Alan Turing' });
    await send('reg:d3', 'RegisterDoctor', { doctorId: 'd3', name: 'Dr Ada Byron' });
    await send('assign:p1-d1', 'AssignDoctor', { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary' });
    await send('assign:p1-d2', 'AssignDoctor', { patientId: 'p1', doctorId: 'd2', assignmentType: 'specialist' });
    await send('end:p1-d2', 'EndDoctorAssignment', { patientId: 'p1', doctorId: 'd2' });
    await send('assign:p2-d1', 'AssignDoctor', { patientId: 'p2', doctorId: 'd1', assignmentType: 'consultant' });
    const visit = (
      consultationId: string,
      patientId: string,
      doctorId: string,
      consultationDate: string,
      status: 'scheduled' | 'completed',
    ) =>
      send(`rec:${consultationId}`, 'RecordConsultation', {
        consultationId,
        patientId,
        doctorId,
        consultationType: 'in_person',
        consultationDate,
        status,
      });
    await visit('k1', 'p1', 'd1', '2025-03-01', 'completed');
    await visit('k2', 'p1', 'd1', '2025-03-15', 'scheduled');
    await send('status:k2', 'ChangeConsultationStatus', { consultationId: 'k2', status: 'completed' });
    await visit('k3', 'p1', 'd3', '2025-03-20', 'scheduled');
    await send('status:k3', 'ChangeConsultationStatus', { consultationId: 'k3', status: 'cancelled' });
    await visit('k4', 'p2', 'd1', '2025-04-02', 'completed');
    await send('scan:s1', 'UploadScan', {
      scanId: 's1',
      patientId: 'p1',
      fileUri: 's3://s1',
      sha256: 'c'.repeat(64),
      sizeBytes: 1,
      takenAt: '2025-03-02T10:00:00Z',
    });
    await send('pred:x1', 'RecordPrediction', {
      scanId: 's1',
      predictionId: 'x1',
      result: 'positive',
      stage: 4,
      confidence: 0.8,
      modelVersion: 'm1',
    });
    await send('log:l1', 'LogSymptom', {
      patientId: 'p1',
      logId: 'l1',
      symptomId: 'headache',
      severity: 5,
      loggedAt: '2025-05-01T08:00:00Z',
    });
    await send('log:l2', 'LogSymptom', {
      patientId: 'p1',
      logId: 'l2',
      symptomId: 'headache',
      severity: 0,
      loggedAt: '2025-05-02T09:00:00Z',
    });
    await send('req:r1', 'RequestReport', { reportId: 'r1', patientId: 'p1', reportType: 'summary' });
    await send('start:r1', 'StartReportGeneration', { reportId: 'r1' });
    await send('gen:r1', 'CompleteReport', { reportId: 'r1', reportUri: 's3://r1' });
    await send('req:r2', 'RequestReport', { reportId: 'r2', patientId: 'p1', reportType: 'scan' });
    await send('start:r2', 'StartReportGeneration', { reportId: 'r2' });
    await send('fail:r2', 'FailReport', { reportId: 'r2', errorMessage: 'boom' });
    await send('req:r3', 'RequestReport', { reportId: 'r3', patientId: 'p2', reportType: 'summary' });
    await send('req:r4', 'RequestReport', { reportId: 'r4', patientId: 'p2', reportType: 'scan' });
    await send('start:r4', 'StartReportGeneration', { reportId: 'r4' });

    const caughtUp = await waitForPosition(
      app.infrastructure.database.db,
      app.infrastructure.eventStore,
      allProjections,
      parsePosition(position),
      20_000,
    );
    if (!caughtUp) throw new Error('the projections did not catch up within 20 s');
  });
  afterAll(async () => app?.close());

  it('1. patients with stats: PostgreSQL sorts a patient without visits (NULL) first in DESC order', async () => {
    const rows = await run('patientsWithStats');
    expect(
      rows.map((r) => [
        r['patient_id'],
        r['first_name'],
        Number(r['total_consultations']),
        r['last_visit_date'],
        Number(r['unique_doctors']),
      ]),
    ).toEqual([
      ['p3', 'Cy', 0, null, 0],
      ['p2', 'Ben', 1, '2025-04-02T00:00:00.000Z', 1],
      ['p1', 'Ana', 2, '2025-03-15T00:00:00.000Z', 3],
    ]);
  });

  it('2. patient history: every timeline entry of the patient, newest first', async () => {
    const rows = await run('patientHistory', 'p1');
    const dates = rows.map((r) => String(r['event_date']));
    expect(dates).toEqual([...dates].sort().reverse());
    const entries = rows.map((r) => `${String(r['event_type'])}:${String(r['severity'])}`).sort();
    expect(entries).toEqual(
      [
        'patient_registered:info',
        'doctor_assigned:info',
        'doctor_assigned:info',
        'consultation:info',
        'consultation:info',
        'consultation_status_changed:info',
        'consultation:info',
        'consultation_status_changed:low',
        'scan_uploaded:info',
        'prediction_made:critical',
        'symptom_logged:high',
        'symptom_logged:low',
        'stage_changed:info',
        'report_requested:info',
        'report_generated:info',
        'report_requested:info',
        'report_failed:medium',
      ].sort(),
    );
    expect(rows.every((r) => r['patient_id'] === 'p1')).toBe(true);
    expect(rows.find((r) => r['event_type'] === 'stage_changed')).toMatchObject({
      event_id: `${eventIds.get('log:l2')}:stage`,
      event_date: '2025-05-02T09:00:00.000Z',
    });
  });

  it('3. doctors treating a patient: the active ones, with the seed’s count of the doctor’s consultations over all patients', async () => {
    const rows = await run('doctorsTreatingPatient', 'p1');
    const byDoctor = rows.map((r) => [r['doctor_id'], r['name'], Number(r['consultations'])]).sort();
    // d1: k1 and k2 with p1 and k4 with p2 (the seed joins consultations by doctor only); d2's assignment ended
    expect(byDoctor).toEqual([
      ['d1', 'Dr Grace Hopper', 3],
      ['d3', 'Dr Ada Byron', 1],
    ]);
    // the API counts only this patient's consultations with each doctor
    const res = await app.app.inject({
      method: 'GET',
      url: '/patients/p1/doctors?active=true',
      headers: { authorization: `Bearer ${TEST_KEYS.reader}` },
    });
    const api = (res.json() as { items: Row[] }).items.map((r) => [r['doctor_id'], r['consultations']]).sort();
    expect(api).toEqual([
      ['d1', 2],
      ['d3', 1],
    ]);
  });

  it('4. report pipeline: pending, generating and failed reports, oldest request first', async () => {
    const rows = await run('reportPipeline');
    expect(rows.map((r) => [r['report_id'], r['status'], r['retry_count']])).toEqual([
      ['r2', 'failed', 1],
      ['r3', 'pending', 0],
      ['r4', 'generating', 0],
    ]);
  });

  it('5. consultation history: the patient’s consultations with the doctor’s name, newest first', async () => {
    const rows = await run('consultationHistory', 'p1');
    expect(rows.map((r) => [r['id'], r['doctor_name'], r['status'], r['consultation_date']])).toEqual([
      ['k3', 'Dr Ada Byron', 'cancelled', '2025-03-20T00:00:00.000Z'],
      ['k2', 'Dr Grace Hopper', 'completed', '2025-03-15T00:00:00.000Z'],
      ['k1', 'Dr Grace Hopper', 'completed', '2025-03-01T00:00:00.000Z'],
    ]);
  });
});
