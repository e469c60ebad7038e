import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from '../../apps/api/openapi/openapi-document.js';
import { queryOpenApiPaths, queryOpenApiSchemas } from '../../apps/api/queries/index.js';
import type { CommandName } from '../../libs/domain/commands.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import {
  apiKeysEnv,
  commandClient,
  keyIdOf,
  TEST_KEYS,
  type CommandBody,
  type ProblemBody,
} from '../support/commands.js';

/** A response as the tests read it. */
type Got = { status: number; headers: Record<string, unknown>; body: unknown; raw: string };
/** A JSON object of a response. */
type Json = Record<string, unknown>;
type List = { items: Json[]; nextCursor?: string | null };

/** What the scenario left: the position to wait for, and each labelled command's event and its time. */
type Scenario = { position: string; ev: (label: string) => { id: string; at: string } };

const iso = (time: string) => new Date(time).toISOString();
const SERVICE_ACTOR = keyIdOf(TEST_KEYS.service);

/**
 * Several patients over every context, through the real command endpoint: registrations,
 * assignments (one ended), consultations (scheduled then completed or cancelled), scans and
 * predictions, reports through their pipeline (a failure and a retry), symptom logs over five
 * days with stage changes, sessions completed, failed and pending.
 */
async function runScenario(app: TestApp): Promise<Scenario> {
  const client = commandClient(app);
  const labels = new Map<string, string>();
  let position = '0';
  const send = async <N extends CommandName>(label: string, name: N, body: CommandBody<N>) => {
    const accepted = await client.ok(name, body);
    labels.set(label, accepted.events[0]!.id);
    position = accepted.position;
  };

  await send('reg:pat-a', 'RegisterPatient', {
    patientId: 'pat-a',
    firstName: 'Ana',
    lastName: 'Silva',
    dateOfBirth: '2004-02-29',
    ageGroup: 'U21',
    sportType: 'Australian rules, "footy"',
    teamId: 'team-1',
    position: 'midfielder',
    jerseyNumber: 10,
  });
  await send('reg:pat-b', 'RegisterPatient', {
    patientId: 'pat-b',
    firstName: 'Ben',
    lastName: 'Okafor',
    ageGroup: 'U18',
    sportType: 'rugby',
    teamId: 'team-2',
    position: 'wing',
    jerseyNumber: 11,
  });
  await send('reg:pat-c', 'RegisterPatient', { patientId: 'pat-c', firstName: 'Cy', lastName: 'Park' });
  await send('upd:pat-b', 'UpdatePatientProfile', { patientId: 'pat-b', jerseyNumber: 7 });

  await send('reg:doc-1', 'RegisterDoctor', {
    doctorId: 'doc-1',
    name: 'Dr Grace Hopper',
    specialization: 'neurology',
    email: 'grace@example.org',
  });
  await send('reg:doc-2', 'RegisterDoctor', {
    doctorId: 'doc-2',
    name: 'Dr Alan Turing',
    specialization: 'sports medicine',
  });
  await send('reg:doc-3', 'RegisterDoctor', { doctorId: 'doc-3', name: 'Dr Ada Byron' });

  await send('assign:a1', 'AssignDoctor', {
    patientId: 'pat-a',
    doctorId: 'doc-1',
    assignmentType: 'primary',
    notes: 'lead physician',
  });
  await send('assign:a2', 'AssignDoctor', { patientId: 'pat-a', doctorId: 'doc-2', assignmentType: 'specialist' });
  await send('end:a2', 'EndDoctorAssignment', { patientId: 'pat-a', doctorId: 'doc-2', reason: 'referral closed' });
  await send('assign:b1', 'AssignDoctor', { patientId: 'pat-b', doctorId: 'doc-1', assignmentType: 'consultant' });

  await send('rec:c-1', 'RecordConsultation', {
    consultationId: 'c-1',
    patientId: 'pat-a',
    doctorId: 'doc-1',
    consultationType: 'in_person',
    consultationDate: '2025-03-01',
    status: 'completed',
    chiefComplaint: 'headache after tackle',
    diagnosis: 'mild concussion',
    prescription: 'rest for 48 hours',
    durationMinutes: 30,
    fee: 120.5,
    nextVisitDate: '2025-03-15',
    notes: 'cleared for light activity',
  });
  await send('rec:c-2', 'RecordConsultation', {
    consultationId: 'c-2',
    patientId: 'pat-a',
    doctorId: 'doc-1',
    consultationType: 'follow_up',
    consultationDate: '2025-03-15T09:30:00+02:00',
    status: 'scheduled',
  });
  await send('status:c-2', 'ChangeConsultationStatus', { consultationId: 'c-2', status: 'completed' });
  await send('rec:c-3', 'RecordConsultation', {
    consultationId: 'c-3',
    patientId: 'pat-a',
    doctorId: 'doc-3',
    consultationType: 'telemedicine',
    consultationDate: '2025-03-20',
    status: 'scheduled',
  });
  await send('status:c-3', 'ChangeConsultationStatus', {
    consultationId: 'c-3',
    status: 'cancelled',
    reason: 'athlete travelling',
  });
  await send('rec:c-4', 'RecordConsultation', {
    consultationId: 'c-4',
    patientId: 'pat-b',
    doctorId: 'doc-2',
    consultationType: 'emergency',
    consultationDate: '2025-04-02T18:00:00Z',
  });

  await send('scan:s-1', 'UploadScan', {
    scanId: 's-1',
    patientId: 'pat-a',
    doctorId: 'doc-1',
    bodyRegion: 'brain',
    fileUri: 's3://scans/s-1.dcm',
    sha256: 'a'.repeat(64),
    sizeBytes: 2048,
    takenAt: '2025-03-02T10:00:00Z',
  });
  await send('pred:pr-1', 'RecordPrediction', {
    scanId: 's-1',
    predictionId: 'pr-1',
    result: 'negative',
    confidence: 0.91,
    modelVersion: 'pd-net-1.0',
  });
  await send('pred:pr-2', 'RecordPrediction', {
    scanId: 's-1',
    predictionId: 'pr-2',
    result: 'positive',
    stage: 3,
    confidence: 0.77,
    modelVersion: 'pd-net-1.1',
  });
  await send('scan:s-2', 'UploadScan', {
    scanId: 's-2',
    patientId: 'pat-b',
    modality: 'CT',
    fileUri: 's3://scans/s-2.dcm',
    sha256: 'b'.repeat(64),
    sizeBytes: 4096,
  });
  await send('pred:pr-3', 'RecordPrediction', {
    scanId: 's-2',
    predictionId: 'pr-3',
    result: 'inconclusive',
    confidence: 0.5,
    modelVersion: 'pd-net-1.1',
  });

  await send('req:r-1', 'RequestReport', {
    reportId: 'r-1',
    patientId: 'pat-a',
    reportType: 'weekly_summary',
    priority: 2,
  });
  await send('start:r-1', 'StartReportGeneration', { reportId: 'r-1' });
  await send('gen:r-1', 'CompleteReport', { reportId: 'r-1', reportUri: 's3://reports/r-1.pdf' });
  await send('req:r-2', 'RequestReport', { reportId: 'r-2', patientId: 'pat-a', reportType: 'scan_report' });
  await send('start:r-2', 'StartReportGeneration', { reportId: 'r-2' });
  await send('fail:r-2', 'FailReport', { reportId: 'r-2', errorMessage: 'renderer crashed' });
  await send('retry:r-2', 'StartReportGeneration', { reportId: 'r-2' });
  await send('req:r-3', 'RequestReport', { reportId: 'r-3', patientId: 'pat-b', reportType: 'weekly_summary' });
  await send('start:r-3', 'StartReportGeneration', { reportId: 'r-3' });
  await send('fail:r-3', 'FailReport', { reportId: 'r-3', errorMessage: 'timeout' });
  await send('req:r-4', 'RequestReport', { reportId: 'r-4', patientId: 'pat-c', reportType: 'intake', priority: 5 });

  // pat-a: stage 1, up (25 h later), up, back (neck pain), up again; pat-b: amber then a red flag.
  await send('log:a1', 'LogSymptom', {
    patientId: 'pat-a',
    logId: 'log-a1',
    symptomId: 'headache',
    severity: 4,
    loggedAt: '2025-05-01T08:00:00Z',
    incidentContext: 'game',
  });
  await send('log:a2', 'LogSymptom', {
    patientId: 'pat-a',
    logId: 'log-a2',
    symptomId: 'headache',
    severity: 1,
    loggedAt: '2025-05-02T09:00:00Z',
  });
  await send('log:a3', 'LogSymptom', {
    patientId: 'pat-a',
    logId: 'log-a3',
    symptomId: 'dizziness',
    severity: 0,
    loggedAt: '2025-05-03T10:00:00Z',
  });
  await send('log:a4', 'LogSymptom', {
    patientId: 'pat-a',
    logId: 'log-a4',
    symptomId: 'neck_pain',
    severity: 3,
    loggedAt: '2025-05-03T20:00:00Z',
    reporterType: 'coach',
    incidentContext: 'training',
  });
  await send('log:b1', 'LogSymptom', {
    patientId: 'pat-b',
    logId: 'log-b1',
    symptomId: 'nausea_or_vomiting',
    severity: 5,
    loggedAt: '2025-05-04T12:00:00Z',
    reporterType: 'parent',
    incidentContext: 'game',
  });
  await send('log:b2', 'LogSymptom', {
    patientId: 'pat-b',
    logId: 'log-b2',
    symptomId: 'double_vision',
    severity: 2,
    loggedAt: '2025-05-04T18:00:00Z',
  });
  await send('log:a5', 'LogSymptom', {
    patientId: 'pat-a',
    logId: 'log-a5',
    symptomId: 'headache',
    severity: 0,
    loggedAt: '2025-05-05T08:00:00Z',
    reporterType: 'clinician',
    incidentContext: 'practice',
  });

  await send('start:sess-1', 'StartSession', {
    sessionId: 'sess-1',
    playerId: 'pat-a',
    sessionType: 'training',
    startTime: '2025-05-10T10:00:00Z',
    title: 'Recovery run',
    videoPath: 's3://video/sess-1.mp4',
    metadata: { pitch: 'B', camera: { fps: 50 } },
  });
  await send('done:sess-1', 'CompleteSession', {
    sessionId: 'sess-1',
    endTime: '2025-05-10T11:30:00Z',
    kpis: {
      max_speed_kmh: 24.5,
      total_distance_m: 5230.5,
      touches: 40,
      passes: 25,
      pass_accuracy: 88,
      speed_zones: { walk: 1200, jog: 2400, sprint: 60 },
      training_load: 310,
    },
  });
  await send('start:sess-2', 'StartSession', {
    sessionId: 'sess-2',
    playerId: 'pat-a',
    sessionType: 'match',
    startTime: '2025-05-12T15:00:00Z',
  });
  await send('fail:sess-2', 'FailSession', { sessionId: 'sess-2', reason: 'video corrupt' });
  await send('start:sess-3', 'StartSession', {
    sessionId: 'sess-3',
    playerId: 'pat-a',
    sessionType: 'training',
    startTime: '2025-05-14T09:00:00Z',
  });
  await send('done:sess-3', 'CompleteSession', {
    sessionId: 'sess-3',
    endTime: '2025-05-14T10:00:00Z',
    kpis: { touches: 12, intensity_score: 6.5 },
  });
  await send('start:sess-4', 'StartSession', {
    sessionId: 'sess-4',
    playerId: 'pat-b',
    sessionType: 'analysis',
    startTime: '2025-05-15T08:00:00Z',
  });

  const stored = await app.infrastructure.eventStore.readAll({ fromPosition: 'start', maxCount: 10_000 });
  const times = new Map(stored.map((e) => [e.id, iso(String(e.metadata['occurredAt']))]));
  return {
    position,
    ev: (label) => {
      const id = labels.get(label);
      if (id === undefined) throw new Error(`no command labelled ${label}`);
      return { id, at: times.get(id)! };
    },
  };
}

/** Every query endpoint (a URL and its documented path), for the checks that apply to all of them. */
const EVERY_QUERY: [url: string, documented: string][] = [
  ['/patients', '/patients'],
  ['/patients/pat-a', '/patients/{id}'],
  ['/patients/pat-a/statistics', '/patients/{id}/statistics'],
  ['/patients/pat-a/timeline', '/patients/{id}/timeline'],
  ['/patients/pat-a/doctors', '/patients/{id}/doctors'],
  ['/patients/pat-a/consultations', '/patients/{id}/consultations'],
  ['/patients/pat-a/reports', '/patients/{id}/reports'],
  ['/doctors/doc-1/patients', '/doctors/{id}/patients'],
  ['/reports?status=pending,generating,generated,failed', '/reports'],
  ['/sessions/sess-1', '/sessions/{id}'],
  ['/sessions/sess-1/kpis', '/sessions/{id}/kpis'],
  ['/players/pat-a/kpis', '/players/{id}/kpis'],
  ['/exports/tracker', '/exports/tracker'],
  ['/exports/symptom-log', '/exports/symptom-log'],
];

/** Validators of the 200 JSON bodies the OpenAPI document promises, by documented path. */
function documentedResponses() {
  const document = buildOpenApiDocument({ extraPaths: queryOpenApiPaths, extraSchemas: queryOpenApiSchemas });
  const base = 'https://caretrack.test/openapi.json';
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: base, components: document.components });
  return (path: string) => {
    const operation = document.paths[path]?.['get'] as {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    const schema = JSON.stringify(operation.responses['200']!.content['application/json']!.schema).replaceAll(
      '"#/components/',
      `"${base}#/components/`,
    );
    return ajv.compile(JSON.parse(schema) as object);
  };
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF) for reading exports back. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** A JSON row as its CSV record would hold it. */
const asCsvRecord = (row: Json, columns: string[]) =>
  columns.map((column) => {
    const value = row[column];
    return value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });

describe.each<Topology>(['embedded', 'server', 'esdb'])('query endpoints [%s store]', (topology) => {
  let app: TestApp;
  let s: Scenario;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    s = await runScenario(app);
  });
  afterAll(async () => app?.close());

  async function get(
    url: string,
    headers: Record<string, string> = {},
    key: string | null = TEST_KEYS.reader,
  ): Promise<Got> {
    const auth = key === null ? {} : { authorization: `Bearer ${key}` };
    const res = await app.app.inject({
      method: 'GET',
      url,
      headers: { ...auth, 'x-min-position': s.position, ...headers },
    });
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body, raw: res.body };
  }
  async function ok<T = Json>(url: string, headers: Record<string, string> = {}): Promise<T> {
    const res = await get(url, headers);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.raw}`);
    return res.body as T;
  }
  /** Follows nextCursor from `url` (cursor parameter `param`) and returns every page. */
  async function allPages(url: string, param: 'after' | 'before'): Promise<List[]> {
    const pages: List[] = [];
    let next: string | null | undefined = undefined;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const page: List = await ok<List>(next ? `${url}${sep}${param}=${encodeURIComponent(next)}` : url);
      pages.push(page);
      next = page.nextCursor;
    } while (next && pages.length < 100);
    return pages;
  }

  const patientA = () => ({
    patient_id: 'pat-a',
    first_name: 'Ana',
    last_name: 'Silva',
    date_of_birth: '2004-02-29',
    age_group: 'U21',
    sport_type: 'Australian rules, "footy"',
    team_id: 'team-1',
    position: 'midfielder',
    jersey_number: 10,
    registered_at: s.ev('reg:pat-a').at,
    updated_at: s.ev('reg:pat-a').at,
    erased_at: null,
  });
  const patientB = () => ({
    patient_id: 'pat-b',
    first_name: 'Ben',
    last_name: 'Okafor',
    date_of_birth: null,
    age_group: 'U18',
    sport_type: 'rugby',
    team_id: 'team-2',
    position: 'wing',
    jersey_number: 7,
    registered_at: s.ev('reg:pat-b').at,
    updated_at: s.ev('upd:pat-b').at,
    erased_at: null,
  });
  const patientC = () => ({
    patient_id: 'pat-c',
    first_name: 'Cy',
    last_name: 'Park',
    date_of_birth: null,
    age_group: null,
    sport_type: null,
    team_id: null,
    position: null,
    jersey_number: null,
    registered_at: s.ev('reg:pat-c').at,
    updated_at: s.ev('reg:pat-c').at,
    erased_at: null,
  });

  describe('patients', () => {
    it('lists every patient in patient_id order, two per page, then no cursor', async () => {
      const pages = await allPages('/patients?limit=2', 'after');
      expect(pages.map((p) => p.items)).toEqual([[patientA(), patientB()], [patientC()]]);
      expect(pages[1]!.nextCursor).toBeNull();
      expect(await ok('/patients')).toEqual({ items: [patientA(), patientB(), patientC()], nextCursor: null });
    });

    it('serves one patient with the profile update applied (dates YYYY-MM-DD, times ISO)', async () => {
      expect(await ok('/patients/pat-a')).toEqual(patientA());
      expect(await ok('/patients/pat-b')).toEqual(patientB());
    });

    it('serves the statistics counters and dates of each patient, zeros included', async () => {
      expect(await ok('/patients/pat-a/statistics')).toEqual({
        patient_id: 'pat-a',
        total_consultations: 2,
        total_scans: 1,
        total_predictions: 2,
        total_reports: 1,
        unique_doctors: 3,
        first_visit_date: '2025-03-01T00:00:00.000Z',
        last_visit_date: '2025-03-15T07:30:00.000Z',
        last_scan_date: '2025-03-02T10:00:00.000Z',
        last_report_date: s.ev('gen:r-1').at,
        parkinsons_status: 'positive',
        parkinsons_stage: 3,
        total_symptom_logs: 5,
        total_sessions: 2,
        updated_at: '2025-05-14T10:00:00.000Z',
      });
      expect(await ok('/patients/pat-b/statistics')).toEqual({
        patient_id: 'pat-b',
        total_consultations: 1,
        total_scans: 1,
        total_predictions: 1,
        total_reports: 0,
        unique_doctors: 2,
        first_visit_date: '2025-04-02T18:00:00.000Z',
        last_visit_date: '2025-04-02T18:00:00.000Z',
        last_scan_date: s.ev('scan:s-2').at,
        last_report_date: null,
        parkinsons_status: 'inconclusive',
        parkinsons_stage: null,
        total_symptom_logs: 2,
        total_sessions: 0,
        updated_at: '2025-05-04T18:00:00.000Z',
      });
      expect(await ok('/patients/pat-c/statistics')).toEqual({
        patient_id: 'pat-c',
        total_consultations: 0,
        total_scans: 0,
        total_predictions: 0,
        total_reports: 0,
        unique_doctors: 0,
        first_visit_date: null,
        last_visit_date: null,
        last_scan_date: null,
        last_report_date: null,
        parkinsons_status: null,
        parkinsons_stage: null,
        total_symptom_logs: 0,
        total_sessions: 0,
        updated_at: s.ev('reg:pat-c').at,
      });
    });
  });

  describe('timeline', () => {
    /** The expected timeline of a patient, newest first (event_date, then event_id, descending). */
    function expectedTimeline(
      patientId: string,
      entries: [
        label: string,
        type: string,
        severity: string,
        source: string,
        sourceId: string,
        doctor: string | null,
        stage?: true,
      ][],
    ) {
      const rows = entries.map(([label, event_type, severity, source_type, source_id, doctor_id, stage]) => {
        const { id, at } = s.ev(label);
        return {
          event_id: stage ? `${id}:stage` : id,
          patient_id: patientId,
          event_date: at,
          event_type,
          title: expect.any(String),
          description: expect.any(String),
          severity,
          source_type,
          source_id,
          doctor_id,
        };
      });
      const key = (row: { event_date: string; event_id: string }) => `${row.event_date}|${row.event_id}`;
      return rows.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
    }
    const timelineA = () =>
      expectedTimeline('pat-a', [
        ['reg:pat-a', 'patient_registered', 'info', 'patient', 'pat-a', null],
        ['assign:a1', 'doctor_assigned', 'info', 'doctor', 'doc-1', 'doc-1'],
        ['assign:a2', 'doctor_assigned', 'info', 'doctor', 'doc-2', 'doc-2'],
        ['rec:c-1', 'consultation', 'info', 'consultation', 'c-1', 'doc-1'],
        ['rec:c-2', 'consultation', 'info', 'consultation', 'c-2', 'doc-1'],
        ['status:c-2', 'consultation_status_changed', 'info', 'consultation', 'c-2', 'doc-1'],
        ['rec:c-3', 'consultation', 'info', 'consultation', 'c-3', 'doc-3'],
        ['status:c-3', 'consultation_status_changed', 'low', 'consultation', 'c-3', 'doc-3'],
        ['scan:s-1', 'scan_uploaded', 'info', 'scan', 's-1', 'doc-1'],
        ['pred:pr-1', 'prediction_made', 'info', 'prediction', 'pr-1', 'doc-1'],
        ['pred:pr-2', 'prediction_made', 'high', 'prediction', 'pr-2', 'doc-1'],
        ['req:r-1', 'report_requested', 'info', 'report', 'r-1', null],
        ['gen:r-1', 'report_generated', 'info', 'report', 'r-1', null],
        ['req:r-2', 'report_requested', 'info', 'report', 'r-2', null],
        ['fail:r-2', 'report_failed', 'medium', 'report', 'r-2', null],
        ['log:a1', 'symptom_logged', 'medium', 'symptom_log', 'log-a1', null],
        ['log:a2', 'symptom_logged', 'low', 'symptom_log', 'log-a2', null],
        ['log:a2', 'stage_changed', 'info', 'symptom_log', 'log-a2', null, true],
        ['log:a3', 'symptom_logged', 'low', 'symptom_log', 'log-a3', null],
        ['log:a3', 'stage_changed', 'info', 'symptom_log', 'log-a3', null, true],
        ['log:a4', 'symptom_logged', 'critical', 'symptom_log', 'log-a4', null],
        ['log:a4', 'stage_changed', 'medium', 'symptom_log', 'log-a4', null, true],
        ['log:a5', 'symptom_logged', 'low', 'symptom_log', 'log-a5', null],
        ['log:a5', 'stage_changed', 'info', 'symptom_log', 'log-a5', null, true],
        ['done:sess-1', 'session_completed', 'info', 'session', 'sess-1', null],
        ['done:sess-3', 'session_completed', 'info', 'session', 'sess-3', null],
      ]);

    it('serves every entry newest first with its severity (prediction, symptom, red flag, stage changes)', async () => {
      const expected = timelineA();
      expect(expected).toHaveLength(26);
      expect(await ok('/patients/pat-a/timeline?limit=500')).toEqual({ items: expected, nextCursor: null });
      // the entries dated by business time (May 2025 and before; server-time ones are newer), in order
      const dated = expected
        .filter((row) => row.event_date < '2025-06')
        .map((row) => `${row.event_type}:${row.severity}`);
      expect(dated.slice(0, 6)).toEqual([
        'session_completed:info',
        'session_completed:info',
        'stage_changed:info',
        'symptom_logged:low',
        'stage_changed:medium',
        'symptom_logged:critical',
      ]);

      expect(await ok('/patients/pat-b/timeline')).toEqual({
        items: expectedTimeline('pat-b', [
          ['reg:pat-b', 'patient_registered', 'info', 'patient', 'pat-b', null],
          ['assign:b1', 'doctor_assigned', 'info', 'doctor', 'doc-1', 'doc-1'],
          ['rec:c-4', 'consultation', 'high', 'consultation', 'c-4', 'doc-2'],
          ['scan:s-2', 'scan_uploaded', 'info', 'scan', 's-2', null],
          ['pred:pr-3', 'prediction_made', 'low', 'prediction', 'pr-3', null],
          ['req:r-3', 'report_requested', 'info', 'report', 'r-3', null],
          ['fail:r-3', 'report_failed', 'medium', 'report', 'r-3', null],
          ['log:b1', 'symptom_logged', 'high', 'symptom_log', 'log-b1', null],
          ['log:b2', 'symptom_logged', 'critical', 'symptom_log', 'log-b2', null],
        ]),
        nextCursor: null,
      });
    });

    it('pages by 2 with nextCursor until done: every entry once, in order', async () => {
      const pages = await allPages('/patients/pat-a/timeline?limit=2', 'before');
      expect(pages).toHaveLength(13);
      expect(pages.every((page) => page.items.length === 2)).toBe(true);
      expect(pages.at(-1)!.nextCursor).toBeNull();
      const ids = pages.flatMap((page) => page.items.map((row) => row['event_id']));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(timelineA().map((row) => row.event_id));
    });

    it('rejects a cursor it did not issue and a limit out of range (400 naming the parameter)', async () => {
      const forged = Buffer.from(JSON.stringify(['patients', 'pat-a'])).toString('base64url');
      for (const [query, path] of [
        [`before=${forged}`, 'before'],
        ['before=not-a-cursor!', 'before'],
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['limit=ten', 'limit'],
        ['sort=asc', 'sort'],
      ] as const) {
        const res = await get(`/patients/pat-a/timeline?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect((res.body as ProblemBody).errors).toEqual([{ path, message: expect.any(String) }]);
      }
    });
  });

  describe('care team and consultations', () => {
    const grace = { name: 'Dr Grace Hopper', specialization: 'neurology', email: 'grace@example.org' };
    const alan = { name: 'Dr Alan Turing', specialization: 'sports medicine', email: null };
    const ada = { name: 'Dr Ada Byron', specialization: null, email: null };

    it('lists a patient’s doctors: active first by assigned_at, with consultations together', async () => {
      const doc3 = {
        doctor_id: 'doc-3',
        ...ada,
        assignment_type: 'consultant',
        is_active: true,
        assigned_at: '2025-03-20T00:00:00.000Z',
        ended_at: null,
        notes: null,
        source: 'consultation',
        consultations: 1,
      };
      const doc1 = {
        doctor_id: 'doc-1',
        ...grace,
        assignment_type: 'primary',
        is_active: true,
        assigned_at: s.ev('assign:a1').at,
        ended_at: null,
        notes: 'lead physician',
        source: 'assignment',
        consultations: 2,
      };
      const doc2 = {
        doctor_id: 'doc-2',
        ...alan,
        assignment_type: 'specialist',
        is_active: false,
        assigned_at: s.ev('assign:a2').at,
        ended_at: s.ev('end:a2').at,
        notes: null,
        source: 'assignment',
        consultations: 0,
      };
      expect(await ok('/patients/pat-a/doctors')).toEqual({ items: [doc3, doc1, doc2] });
      expect(await ok('/patients/pat-a/doctors?active=true')).toEqual({ items: [doc3, doc1] });
      expect(await ok('/patients/pat-a/doctors?active=false')).toEqual({ items: [doc2] });
      const bad = await get('/patients/pat-a/doctors?active=1');
      expect(bad.status).toBe(400);
      expect((bad.body as ProblemBody).errors).toEqual([{ path: 'active', message: expect.any(String) }]);
    });

    it('lists a doctor’s patients, active first', async () => {
      const summary = (p: Json) => ({
        patient_id: p['patient_id'],
        first_name: p['first_name'],
        last_name: p['last_name'],
        age_group: p['age_group'],
        sport_type: p['sport_type'],
        team_id: p['team_id'],
        position: p['position'],
        jersey_number: p['jersey_number'],
      });
      expect(await ok('/doctors/doc-1/patients')).toEqual({
        items: [
          {
            ...summary(patientA()),
            assignment_type: 'primary',
            is_active: true,
            assigned_at: s.ev('assign:a1').at,
            ended_at: null,
            notes: 'lead physician',
            source: 'assignment',
            consultations: 2,
          },
          {
            ...summary(patientB()),
            assignment_type: 'consultant',
            is_active: true,
            assigned_at: s.ev('assign:b1').at,
            ended_at: null,
            notes: null,
            source: 'assignment',
            consultations: 0,
          },
        ],
      });
      expect(await ok('/doctors/doc-2/patients')).toEqual({
        items: [
          {
            ...summary(patientB()),
            assignment_type: 'consultant',
            is_active: true,
            assigned_at: '2025-04-02T18:00:00.000Z',
            ended_at: null,
            notes: null,
            source: 'consultation',
            consultations: 1,
          },
          {
            ...summary(patientA()),
            assignment_type: 'specialist',
            is_active: false,
            assigned_at: s.ev('assign:a2').at,
            ended_at: s.ev('end:a2').at,
            notes: null,
            source: 'assignment',
            consultations: 0,
          },
        ],
      });
    });

    it('lists a patient’s consultations with the doctor’s name, newest first, every status', async () => {
      const none = {
        chief_complaint: null,
        diagnosis: null,
        prescription: null,
        duration_minutes: null,
        fee: null,
        next_visit_date: null,
        notes: null,
      };
      expect(await ok('/patients/pat-a/consultations')).toEqual({
        items: [
          {
            id: 'c-3',
            patient_id: 'pat-a',
            doctor_id: 'doc-3',
            consultation_type: 'telemedicine',
            consultation_date: '2025-03-20T00:00:00.000Z',
            status: 'cancelled',
            ...none,
            recorded_at: '2025-03-20T00:00:00.000Z',
            updated_at: s.ev('status:c-3').at,
            doctor_name: 'Dr Ada Byron',
          },
          {
            id: 'c-2',
            patient_id: 'pat-a',
            doctor_id: 'doc-1',
            consultation_type: 'follow_up',
            consultation_date: '2025-03-15T07:30:00.000Z',
            status: 'completed',
            ...none,
            recorded_at: '2025-03-15T07:30:00.000Z',
            updated_at: s.ev('status:c-2').at,
            doctor_name: 'Dr Grace Hopper',
          },
          {
            id: 'c-1',
            patient_id: 'pat-a',
            doctor_id: 'doc-1',
            consultation_type: 'in_person',
            consultation_date: '2025-03-01T00:00:00.000Z',
            status: 'completed',
            chief_complaint: 'headache after tackle',
            diagnosis: 'mild concussion',
            prescription: 'rest for 48 hours',
            duration_minutes: 30,
            fee: 120.5,
            next_visit_date: '2025-03-15',
            notes: 'cleared for light activity',
            recorded_at: '2025-03-01T00:00:00.000Z',
            updated_at: '2025-03-01T00:00:00.000Z',
            doctor_name: 'Dr Grace Hopper',
          },
        ],
      });
      expect(await ok('/patients/pat-c/consultations')).toEqual({ items: [] });
    });
  });

  describe('reports', () => {
    const r1 = () => ({
      report_id: 'r-1',
      patient_id: 'pat-a',
      report_type: 'weekly_summary',
      status: 'generated',
      priority: 2,
      requested_by: SERVICE_ACTOR,
      requested_at: s.ev('req:r-1').at,
      started_at: s.ev('start:r-1').at,
      completed_at: s.ev('gen:r-1').at,
      failed_at: null,
      error_message: null,
      retry_count: 0,
      report_uri: 's3://reports/r-1.pdf',
    });
    const r2 = () => ({
      report_id: 'r-2',
      patient_id: 'pat-a',
      report_type: 'scan_report',
      status: 'generating',
      priority: 3,
      requested_by: SERVICE_ACTOR,
      requested_at: s.ev('req:r-2').at,
      started_at: s.ev('retry:r-2').at,
      completed_at: null,
      failed_at: s.ev('fail:r-2').at,
      error_message: 'renderer crashed',
      retry_count: 1,
      report_uri: null,
    });
    const r3 = () => ({
      report_id: 'r-3',
      patient_id: 'pat-b',
      report_type: 'weekly_summary',
      status: 'failed',
      priority: 3,
      requested_by: SERVICE_ACTOR,
      requested_at: s.ev('req:r-3').at,
      started_at: s.ev('start:r-3').at,
      completed_at: null,
      failed_at: s.ev('fail:r-3').at,
      error_message: 'timeout',
      retry_count: 1,
      report_uri: null,
    });
    const r4 = () => ({
      report_id: 'r-4',
      patient_id: 'pat-c',
      report_type: 'intake',
      status: 'pending',
      priority: 5,
      requested_by: SERVICE_ACTOR,
      requested_at: s.ev('req:r-4').at,
      started_at: null,
      completed_at: null,
      failed_at: null,
      error_message: null,
      retry_count: 0,
      report_uri: null,
    });

    it('lists a patient’s reports, newest request first', async () => {
      expect(await ok('/patients/pat-a/reports')).toEqual({ items: [r2(), r1()] });
    });

    it('serves the queue of pending, generating and failed reports, oldest request first', async () => {
      expect(await ok('/reports')).toEqual({ items: [r2(), r3(), r4()], nextCursor: null });
      expect(await ok('/reports?status=pending,generating,failed')).toEqual({
        items: [r2(), r3(), r4()],
        nextCursor: null,
      });
      expect(await ok('/reports?status=generated')).toEqual({ items: [r1()], nextCursor: null });
      expect(await ok('/reports?status=failed,pending')).toEqual({ items: [r3(), r4()], nextCursor: null });
      const pages = await allPages('/reports?limit=1', 'after');
      expect(pages.map((page) => page.items.map((row) => row['report_id']))).toEqual([['r-2'], ['r-3'], ['r-4']]);
    });

    it('rejects an unknown status with 400 naming status', async () => {
      for (const status of ['done', 'pending,', '']) {
        const res = await get(`/reports?status=${status}`);
        expect({ status, code: res.status }).toEqual({ status, code: 400 });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect((res.body as ProblemBody).errors).toEqual([{ path: 'status', message: expect.any(String) }]);
      }
    });
  });

  describe('sessions and KPIs', () => {
    const nullKpis = {
      max_speed_kmh: null,
      avg_speed_kmh: null,
      speed_zones: null,
      total_distance_m: null,
      high_intensity_distance_m: null,
      sprint_distance_m: null,
      touches: null,
      passes: null,
      pass_accuracy: null,
      shots: null,
      accelerations: null,
      decelerations: null,
      max_acceleration: null,
      jumps: null,
      training_load: null,
      player_load: null,
      intensity_score: null,
    };
    const kpis1 = {
      id: 1,
      session_id: 'sess-1',
      player_id: 'pat-a',
      ...nullKpis,
      max_speed_kmh: 24.5,
      speed_zones: { walk: 1200, jog: 2400, sprint: 60 },
      total_distance_m: 5230.5,
      touches: 40,
      passes: 25,
      pass_accuracy: 88,
      training_load: 310,
      calculated_at: '2025-05-10T11:30:00.000Z',
    };
    const kpis3 = {
      id: 2,
      session_id: 'sess-3',
      player_id: 'pat-a',
      ...nullKpis,
      touches: 12,
      intensity_score: 6.5,
      calculated_at: '2025-05-14T10:00:00.000Z',
    };

    it('serves completed, failed and pending sessions', async () => {
      expect(await ok('/sessions/sess-1')).toEqual({
        id: 'sess-1',
        player_id: 'pat-a',
        user_id: 'pat-a',
        session_type: 'training',
        title: 'Recovery run',
        description: null,
        start_time: '2025-05-10T10:00:00.000Z',
        end_time: '2025-05-10T11:30:00.000Z',
        duration_seconds: 5400,
        video_path: 's3://video/sess-1.mp4',
        status: 'completed',
        created_at: '2025-05-10T10:00:00.000Z',
        updated_at: '2025-05-10T11:30:00.000Z',
        metadata: { pitch: 'B', camera: { fps: 50 } },
      });
      expect(await ok('/sessions/sess-2')).toMatchObject({
        id: 'sess-2',
        session_type: 'match',
        status: 'failed',
        end_time: null,
        duration_seconds: null,
        updated_at: s.ev('fail:sess-2').at,
      });
      expect(await ok('/sessions/sess-4')).toMatchObject({
        id: 'sess-4',
        player_id: 'pat-b',
        session_type: 'analysis',
        status: 'pending',
        created_at: '2025-05-15T08:00:00.000Z',
      });
    });

    it('serves a completed session’s KPIs; 404 for a failed or pending one', async () => {
      expect(await ok('/sessions/sess-1/kpis')).toEqual(kpis1);
      expect(await ok('/sessions/sess-3/kpis')).toEqual(kpis3);
      for (const id of ['sess-2', 'sess-4']) {
        const res = await get(`/sessions/${id}/kpis`);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
      }
    });

    it('serves a player’s KPIs newest first, paged', async () => {
      expect(await ok('/players/pat-a/kpis')).toEqual({ items: [kpis3, kpis1], nextCursor: null });
      const pages = await allPages('/players/pat-a/kpis?limit=1', 'before');
      expect(pages.map((page) => page.items)).toEqual([[kpis3], [kpis1]]);
      expect(await ok('/players/pat-c/kpis')).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('exports', () => {
    const trackerRows = () => [
      {
        user_id: 'pat-a',
        current_stage: 'sport_specific_exercise',
        last_updated: '2025-05-05T08:00:00.000Z',
        triage_level: 'green',
        age_group: 'U21',
        sport_type: 'Australian rules, "footy"',
        team_id: 'team-1',
        incident_context: 'practice',
        reporter_type: 'clinician',
      },
      {
        user_id: 'pat-b',
        current_stage: 'symptom_limited_activity',
        last_updated: '2025-05-04T18:00:00.000Z',
        triage_level: 'red_flag',
        age_group: 'U18',
        sport_type: 'rugby',
        team_id: 'team-2',
        incident_context: null,
        reporter_type: 'self',
      },
      {
        user_id: 'pat-c',
        current_stage: null,
        last_updated: null,
        triage_level: 'green',
        age_group: null,
        sport_type: null,
        team_id: null,
        incident_context: null,
        reporter_type: null,
      },
    ];
    const log = (
      log_id: string,
      user_id: string,
      symptom_id: string,
      severity: number,
      timestamp: string,
      reporter_type: string,
      incident_context: string | null,
    ) => ({ log_id, user_id, symptom_id, severity, timestamp, reporter_type, incident_context });
    const logs = [
      log('log-a1', 'pat-a', 'headache', 4, '2025-05-01T08:00:00.000Z', 'self', 'game'),
      log('log-a2', 'pat-a', 'headache', 1, '2025-05-02T09:00:00.000Z', 'self', null),
      log('log-a3', 'pat-a', 'dizziness', 0, '2025-05-03T10:00:00.000Z', 'self', null),
      log('log-a4', 'pat-a', 'neck_pain', 3, '2025-05-03T20:00:00.000Z', 'coach', 'training'),
      log('log-b1', 'pat-b', 'nausea_or_vomiting', 5, '2025-05-04T12:00:00.000Z', 'parent', 'game'),
      log('log-b2', 'pat-b', 'double_vision', 2, '2025-05-04T18:00:00.000Z', 'self', null),
      log('log-a5', 'pat-a', 'headache', 0, '2025-05-05T08:00:00.000Z', 'clinician', 'practice'),
    ];

    it('exports each person’s stage and triage level as JSON', async () => {
      expect(await ok('/exports/tracker')).toEqual({ items: trackerRows() });
    });

    it('exports the same rows as RFC 4180 CSV with Accept: text/csv', async () => {
      const res = await get('/exports/tracker', { accept: 'text/csv' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.raw).toContain('"Australian rules, ""footy"""');
      const columns = Object.keys(trackerRows()[0]!);
      expect(parseCsv(res.raw)).toEqual([columns, ...trackerRows().map((row) => asCsvRecord(row, columns))]);
    });

    it('exports symptom logs since a time, oldest first, as JSON and CSV', async () => {
      expect(await ok('/exports/symptom-log')).toEqual({ items: logs });
      expect(await ok('/exports/symptom-log?since=2025-05-04T12:00:00Z')).toEqual({ items: logs.slice(4) });
      expect(await ok('/exports/symptom-log?since=2025-05-04')).toEqual({ items: logs.slice(4) });
      expect(await ok('/exports/symptom-log?since=2025-05-04T14:00:00%2B02:00')).toEqual({ items: logs.slice(4) });
      const csv = await get('/exports/symptom-log?since=2025-05-04', { accept: 'application/json;q=0.5, text/csv' });
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const columns = Object.keys(logs[0]!);
      expect(parseCsv(csv.raw)).toEqual([columns, ...logs.slice(4).map((row) => asCsvRecord(row, columns))]);
    });

    it('rejects a since that is not an ISO time with 400 naming since', async () => {
      for (const since of ['yesterday', '2025-13-01', '2025-05-04T12:00:00']) {
        const res = await get(`/exports/symptom-log?since=${since}`);
        expect({ since, status: res.status }).toEqual({ since, status: 400 });
        expect((res.body as ProblemBody).errors).toEqual([{ path: 'since', message: expect.any(String) }]);
      }
    });
  });

  describe('every endpoint', () => {
    it('carries X-Projection-Position at or past the last command’s position', async () => {
      for (const [url] of EVERY_QUERY) {
        const res = await get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 200 });
        const header = String(res.headers['x-projection-position']);
        expect({ url, header: /^[0-9]+$/.test(header) }).toEqual({ url, header: true });
        expect(BigInt(header) >= BigInt(s.position)).toBe(true);
        expect(res.headers['x-projection-stale']).toBeUndefined();
      }
    });

    it('answers with the bodies the OpenAPI document describes', async () => {
      const validatorOf = documentedResponses();
      for (const [url, documented] of EVERY_QUERY) {
        const validate = validatorOf(documented);
        const body = await ok(url);
        expect({ url, valid: validate(body), errors: validate.errors ?? null }).toEqual({
          url,
          valid: true,
          errors: null,
        });
      }
    });

    it('answers 401 without a key and 403 to an auditor key; reader, service and admin keys read', async () => {
      for (const [url] of EVERY_QUERY) {
        const anonymous = await get(url, {}, null);
        expect({ url, status: anonymous.status }).toEqual({ url, status: 401 });
        const auditor = await get(url, {}, TEST_KEYS.auditor);
        expect({ url, status: auditor.status, code: (auditor.body as ProblemBody).code }).toEqual({
          url,
          status: 403,
          code: 'forbidden',
        });
      }
      for (const key of [TEST_KEYS.service, TEST_KEYS.admin])
        expect((await get('/patients/pat-a', {}, key)).status).toBe(200);
    });

    it('answers 404 problem+json for an unknown patient, doctor or session', async () => {
      const unknown = [
        '/patients/nobody',
        '/patients/nobody/statistics',
        '/patients/nobody/timeline',
        '/patients/nobody/doctors',
        '/patients/nobody/consultations',
        '/patients/nobody/reports',
        '/players/nobody/kpis',
        '/doctors/nobody/patients',
        '/sessions/nobody',
        '/sessions/nobody/kpis',
      ];
      for (const url of unknown) {
        const res = await get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 404 });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 404, code: 'not_found', detail: expect.stringContaining('nobody') });
        expect(res.headers['x-projection-position']).toMatch(/^[0-9]+$/);
      }
    });

    it('answers 400 naming id for a path id outside the id pattern', async () => {
      for (const url of [
        '/patients/-bad',
        '/patients/a%20b/timeline',
        `/sessions/${'x'.repeat(65)}`,
        '/doctors/a$b/patients',
      ]) {
        const res = await get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect((res.body as ProblemBody).errors).toEqual([{ path: 'id', message: expect.any(String) }]);
      }
    });

    it('answers 400 to a malformed X-Min-Position', async () => {
      for (const value of ['soon', '-1', '12abc']) {
        const res = await get('/patients/pat-a', { 'x-min-position': value });
        expect({ value, status: res.status }).toEqual({ value, status: 400 });
        expect((res.body as ProblemBody).errors).toEqual([{ path: 'X-Min-Position', message: expect.any(String) }]);
      }
    });

    it('answers 503 projection_behind after about 5 s for a position the log has not reached', async () => {
      const started = Date.now();
      const res = await get('/patients/pat-a/statistics', {
        'x-min-position': (BigInt(s.position) + 1_000_000n).toString(),
      });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 503, code: 'projection_behind' });
      expect(elapsed).toBeGreaterThanOrEqual(4900);
      expect(elapsed).toBeLessThan(9000);
    });
  });
});
