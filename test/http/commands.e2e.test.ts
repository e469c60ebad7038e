import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commandNames, commandRegistry, type CommandName } from '../../libs/domain/commands.js';
import { ENCRYPTED_FIELD, personalFieldsOf } from '../../libs/personal-data/index.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import {
  apiKeysEnv,
  bodies,
  commandClient,
  eventLog,
  given,
  keyIdOf,
  TEST_KEYS,
  uid,
  UUID,
  type Accepted,
  type CommandBody,
  type CommandClient,
  type ProblemBody,
} from '../support/commands.js';

type Given = ReturnType<typeof given>;

/** What one successful command must leave in the log. */
type Expected = {
  body: object;
  stream: string;
  /** revision of the new event = nextExpectedRevision */
  revision: number;
  type: string;
  data: object;
  /** business time as ISO, or `server` for the server's clock at the request */
  occurredAt: string;
};

const SERVER_TIME = 'server';

/** Every command of the registry, from the state it needs to the event it must append. */
const successes: Record<CommandName, (g: Given) => Promise<Expected>> = {
  RegisterPatient: async () => {
    const patientId = uid('p');
    const body = {
      patientId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      dateOfBirth: '2004-02-29',
      ageGroup: 'U21',
      sportType: 'football',
      teamId: 'team-1',
      position: 'midfielder',
      jerseyNumber: 10,
    } satisfies CommandBody<'RegisterPatient'>;
    return {
      body,
      stream: `patient-${patientId}`,
      revision: 0,
      type: 'PatientRegistered',
      data: body,
      occurredAt: SERVER_TIME,
    };
  },
  UpdatePatientProfile: async (g) => {
    const patientId = await g.patient();
    const body = { patientId, sportType: 'rugby', jerseyNumber: 0 } satisfies CommandBody<'UpdatePatientProfile'>;
    return {
      body,
      stream: `patient-${patientId}`,
      revision: 1,
      type: 'PatientProfileUpdated',
      data: body,
      occurredAt: SERVER_TIME,
    };
  },
  RegisterDoctor: async () => {
    const doctorId = uid('d');
    const body = {
      doctorId,
      name: 'Dr Grace Hopper',
      specialization: 'neurology',
      email: 'grace@example.org',
    } satisfies CommandBody<'RegisterDoctor'>;
    return {
      body,
      stream: `doctor-${doctorId}`,
      revision: 0,
      type: 'DoctorRegistered',
      data: body,
      occurredAt: SERVER_TIME,
    };
  },
  AssignDoctor: async (g) => {
    const ids = await g.patientAndDoctor();
    const body = {
      ...ids,
      assignmentType: 'specialist',
      notes: 'post-concussion follow-up',
    } satisfies CommandBody<'AssignDoctor'>;
    return {
      body,
      stream: `patient-${ids.patientId}`,
      revision: 1,
      type: 'DoctorAssigned',
      data: body,
      occurredAt: SERVER_TIME,
    };
  },
  EndDoctorAssignment: async (g) => {
    const ids = await g.assignment();
    const body = { ...ids, reason: 'season over' } satisfies CommandBody<'EndDoctorAssignment'>;
    return {
      body,
      stream: `patient-${ids.patientId}`,
      revision: 2,
      type: 'DoctorAssignmentEnded',
      data: body,
      occurredAt: SERVER_TIME,
    };
  },
  RecordConsultation: async (g) => {
    const ids = await g.patientAndDoctor();
    const consultationId = uid('c');
    const body = {
      consultationId,
      ...ids,
      consultationType: 'telemedicine',
      consultationDate: '2025-03-01T09:30:00+02:00',
      chiefComplaint: 'headache after a tackle',
      diagnosis: 'mild concussion',
      prescription: 'rest',
      durationMinutes: 30,
      fee: 120.5,
      nextVisitDate: '2025-03-08',
      notes: 'no red flags',
    } satisfies CommandBody<'RecordConsultation'>;
    return {
      body,
      stream: `consultation-${consultationId}`,
      revision: 0,
      type: 'ConsultationRecorded',
      data: { ...body, status: 'completed' },
      occurredAt: '2025-03-01T07:30:00.000Z',
    };
  },
  ChangeConsultationStatus: async (g) => {
    const { consultationId, patientId, doctorId } = await g.consultation('scheduled');
    const body = {
      consultationId,
      status: 'cancelled',
      reason: 'athlete travelling',
    } satisfies CommandBody<'ChangeConsultationStatus'>;
    return {
      body,
      stream: `consultation-${consultationId}`,
      revision: 1,
      type: 'ConsultationStatusChanged',
      data: { ...body, previousStatus: 'scheduled', patientId, doctorId },
      occurredAt: SERVER_TIME,
    };
  },
  UploadScan: async (g) => {
    const patientId = await g.patient();
    const doctorId = await g.doctor();
    const scanId = uid('s');
    const body = {
      scanId,
      patientId,
      doctorId,
      bodyRegion: 'head',
      fileUri: 's3://scans/brain.dcm',
      sha256: 'AbCdEf0123456789'.repeat(4),
      sizeBytes: 52_428_800,
      takenAt: '2025-02-10T14:00:00-05:00',
    } satisfies CommandBody<'UploadScan'>;
    return {
      body,
      stream: `scan-${scanId}`,
      revision: 0,
      type: 'ScanUploaded',
      data: { ...body, modality: 'MRI' },
      occurredAt: '2025-02-10T19:00:00.000Z',
    };
  },
  RecordPrediction: async (g) => {
    const { scanId, patientId } = await g.scan();
    const body = {
      scanId,
      predictionId: uid('pred'),
      result: 'positive',
      stage: 2,
      confidence: 0.87,
      modelVersion: 'pd-net-2.1',
    } satisfies CommandBody<'RecordPrediction'>;
    return {
      body,
      stream: `scan-${scanId}`,
      revision: 1,
      type: 'PredictionRecorded',
      data: { ...body, patientId },
      occurredAt: SERVER_TIME,
    };
  },
  RequestReport: async (g) => {
    const patientId = await g.patient();
    const reportId = uid('r');
    const body = { reportId, patientId, reportType: 'monthly_load' } satisfies CommandBody<'RequestReport'>;
    return {
      body,
      stream: `report-${reportId}`,
      revision: 0,
      type: 'ReportRequested',
      data: { ...body, priority: 3 },
      occurredAt: SERVER_TIME,
    };
  },
  StartReportGeneration: async (g) => {
    const { reportId, patientId, reportType } = await g.report('injury_history');
    const body = { reportId } satisfies CommandBody<'StartReportGeneration'>;
    return {
      body,
      stream: `report-${reportId}`,
      revision: 1,
      type: 'ReportGenerationStarted',
      data: { reportId, patientId, reportType, retryCount: 0 },
      occurredAt: SERVER_TIME,
    };
  },
  CompleteReport: async (g) => {
    const { reportId, patientId, reportType } = await g.generatingReport();
    const body = { reportId, reportUri: 's3://reports/r.pdf' } satisfies CommandBody<'CompleteReport'>;
    return {
      body,
      stream: `report-${reportId}`,
      revision: 2,
      type: 'ReportGenerated',
      data: { ...body, patientId, reportType },
      occurredAt: SERVER_TIME,
    };
  },
  FailReport: async (g) => {
    const { reportId, patientId, reportType } = await g.generatingReport();
    const body = { reportId, errorMessage: 'renderer timed out' } satisfies CommandBody<'FailReport'>;
    return {
      body,
      stream: `report-${reportId}`,
      revision: 2,
      type: 'ReportGenerationFailed',
      data: { ...body, patientId, reportType, retryCount: 1 },
      occurredAt: SERVER_TIME,
    };
  },
  LogSymptom: async (g) => {
    const patientId = await g.patient();
    const body = {
      patientId,
      symptomId: 'dizziness',
      severity: 4,
      loggedAt: '2025-05-01T10:00:00+01:00',
      incidentContext: 'game',
    } satisfies CommandBody<'LogSymptom'>;
    return {
      body,
      stream: `tracker-${patientId}`,
      revision: 0,
      type: 'SymptomLogged',
      // logId is generated (a UUID) when absent; reporterType defaults to self
      data: { ...body, logId: expect.stringMatching(UUID), reporterType: 'self' },
      occurredAt: '2025-05-01T09:00:00.000Z',
    };
  },
  StartSession: async (g) => {
    const playerId = await g.patient();
    const sessionId = uid('sess');
    const body = {
      sessionId,
      playerId,
      sessionType: 'match',
      startTime: '2025-04-01T18:00:00+02:00',
      title: 'Cup semi-final',
      description: 'away game',
      videoPath: 's3://video/semi.mp4',
      metadata: { venue: 'Stadium', weather: { tempC: 12 }, tags: ['cup', 1, true, null] },
    } satisfies CommandBody<'StartSession'>;
    return {
      body,
      stream: `session-${sessionId}`,
      revision: 0,
      type: 'SessionStarted',
      data: body,
      occurredAt: '2025-04-01T16:00:00.000Z',
    };
  },
  CompleteSession: async (g) => {
    const { sessionId, playerId, startTime } = await g.session();
    const body = {
      sessionId,
      endTime: '2025-04-01T11:30:59.900Z',
      kpis: {
        max_speed_kmh: 31.2,
        pass_accuracy: 100,
        touches: 54,
        speed_zones: { z1: 600, z5: 12.5 },
        training_load: 0,
      },
    } satisfies CommandBody<'CompleteSession'>;
    return {
      body,
      stream: `session-${sessionId}`,
      revision: 1,
      type: 'SessionCompleted',
      data: { ...body, playerId, startTime, durationSeconds: 5459 },
      occurredAt: '2025-04-01T11:30:59.900Z',
    };
  },
  FailSession: async (g) => {
    const { sessionId, playerId } = await g.session();
    const body = { sessionId, reason: 'video file unreadable' } satisfies CommandBody<'FailSession'>;
    return {
      body,
      stream: `session-${sessionId}`,
      revision: 1,
      type: 'SessionFailed',
      data: { ...body, playerId },
      occurredAt: SERVER_TIME,
    };
  },
  ErasePatient: async (g) => {
    const patientId = await g.patient();
    const body = { patientId, reason: 'erasure request #42' } satisfies CommandBody<'ErasePatient'>;
    return {
      body,
      stream: `patient-${patientId}`,
      revision: 1,
      type: 'PatientErased',
      data: body,
      occurredAt: SERVER_TIME,
    };
  },
};

/** A rejected command: the body built from fresh state, and what the client must see. */
type Rejection = {
  name: CommandName;
  rule: string;
  arrange: (g: Given) => Promise<object>;
  status: 400 | 404 | 409;
  code: string;
  /** for 400s: exactly the paths listed in `errors` */
  paths?: string[];
};

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** SPEC §2's rules, one row each (404 unknown aggregate, 409 conflict, business 400). */
const rejections: Rejection[] = [
  {
    name: 'RegisterPatient',
    rule: 'already registered',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => bodies.patient(await g.patient()),
  },
  {
    name: 'RegisterPatient',
    rule: 'date of birth in the future',
    status: 400,
    code: 'validation_failed',
    paths: ['dateOfBirth'],
    arrange: async () => ({ ...bodies.patient(uid('p')), dateOfBirth: `${new Date().getUTCFullYear() + 1}-01-01` }),
  },
  {
    name: 'UpdatePatientProfile',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ patientId: uid('p'), lastName: 'X' }),
  },
  {
    name: 'UpdatePatientProfile',
    rule: 'no field besides patientId',
    status: 400,
    code: 'validation_failed',
    arrange: async (g) => ({ patientId: await g.patient() }),
  },
  {
    name: 'RegisterDoctor',
    rule: 'already registered',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => bodies.doctor(await g.doctor()),
  },
  {
    name: 'AssignDoctor',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async (g) => ({ patientId: uid('p'), doctorId: await g.doctor(), assignmentType: 'primary' }),
  },
  {
    name: 'AssignDoctor',
    rule: 'unregistered doctor',
    status: 404,
    code: 'not_found',
    arrange: async (g) => ({ patientId: await g.patient(), doctorId: uid('d'), assignmentType: 'primary' }),
  },
  {
    name: 'AssignDoctor',
    rule: 'doctor already actively assigned',
    status: 409,
    code: 'already_assigned',
    arrange: async (g) => ({ ...(await g.assignment()), assignmentType: 'consultant' }),
  },
  {
    name: 'EndDoctorAssignment',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async (g) => ({ patientId: uid('p'), doctorId: await g.doctor() }),
  },
  {
    name: 'EndDoctorAssignment',
    rule: 'doctor never assigned',
    status: 409,
    code: 'not_assigned',
    arrange: async (g) => g.patientAndDoctor(),
  },
  {
    name: 'EndDoctorAssignment',
    rule: 'assignment already ended',
    status: 409,
    code: 'not_assigned',
    arrange: async (g) => {
      const ids = await g.assignment();
      await g.client.ok('EndDoctorAssignment', ids);
      return ids;
    },
  },
  {
    name: 'RecordConsultation',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async (g) => bodies.consultation(uid('c'), uid('p'), await g.doctor()),
  },
  {
    name: 'RecordConsultation',
    rule: 'unregistered doctor',
    status: 404,
    code: 'not_found',
    arrange: async (g) => bodies.consultation(uid('c'), await g.patient(), uid('d')),
  },
  {
    name: 'RecordConsultation',
    rule: 'consultation id exists',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => {
      const { consultationId, patientId, doctorId } = await g.consultation('completed');
      return bodies.consultation(consultationId, patientId, doctorId, 'completed');
    },
  },
  {
    name: 'ChangeConsultationStatus',
    rule: 'missing consultation',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ consultationId: uid('c'), status: 'completed' }),
  },
  {
    name: 'ChangeConsultationStatus',
    rule: 'from completed',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => ({ consultationId: (await g.consultation('completed')).consultationId, status: 'cancelled' }),
  },
  {
    name: 'ChangeConsultationStatus',
    rule: 'from no_show (already changed)',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => {
      const { consultationId } = await g.consultation('scheduled');
      await g.client.ok('ChangeConsultationStatus', { consultationId, status: 'no_show' });
      return { consultationId, status: 'completed' };
    },
  },
  {
    name: 'UploadScan',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async () => bodies.scan(uid('s'), uid('p')),
  },
  {
    name: 'UploadScan',
    rule: 'scan id exists',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => {
      const { scanId, patientId } = await g.scan();
      return bodies.scan(scanId, patientId);
    },
  },
  {
    name: 'RecordPrediction',
    rule: 'missing scan',
    status: 404,
    code: 'not_found',
    arrange: async () => bodies.prediction(uid('s'), uid('pred')),
  },
  {
    name: 'RecordPrediction',
    rule: 'predictionId already on the scan',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => {
      const { scanId } = await g.scan();
      const body = bodies.prediction(scanId, uid('pred'));
      await g.client.ok('RecordPrediction', body);
      return { ...body, result: 'inconclusive' };
    },
  },
  {
    name: 'RecordPrediction',
    rule: 'positive result without stage',
    status: 400,
    code: 'validation_failed',
    paths: ['stage'],
    arrange: async (g) => ({ ...bodies.prediction((await g.scan()).scanId, uid('pred')), result: 'positive' }),
  },
  {
    name: 'RequestReport',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async () => bodies.report(uid('r'), uid('p')),
  },
  {
    name: 'RequestReport',
    rule: 'report id exists',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => {
      const { reportId, patientId } = await g.report();
      return bodies.report(reportId, patientId);
    },
  },
  {
    name: 'StartReportGeneration',
    rule: 'missing report',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ reportId: uid('r') }),
  },
  {
    name: 'StartReportGeneration',
    rule: 'already generating',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => ({ reportId: (await g.generatingReport()).reportId }),
  },
  {
    name: 'StartReportGeneration',
    rule: 'already generated',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => {
      const { reportId } = await g.generatingReport();
      await g.client.ok('CompleteReport', { reportId, reportUri: 's3://r.pdf' });
      return { reportId };
    },
  },
  {
    name: 'StartReportGeneration',
    rule: 'failed 3 times (no retry left)',
    status: 409,
    code: 'retry_limit_reached',
    arrange: async (g) => ({ reportId: (await g.failedReport(3)).reportId }),
  },
  {
    name: 'CompleteReport',
    rule: 'missing report',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ reportId: uid('r'), reportUri: 's3://r.pdf' }),
  },
  {
    name: 'CompleteReport',
    rule: 'still pending',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => ({ reportId: (await g.report()).reportId, reportUri: 's3://r.pdf' }),
  },
  {
    name: 'CompleteReport',
    rule: 'failed (not generating)',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => ({ reportId: (await g.failedReport(1)).reportId, reportUri: 's3://r.pdf' }),
  },
  {
    name: 'FailReport',
    rule: 'missing report',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ reportId: uid('r'), errorMessage: 'x' }),
  },
  {
    name: 'FailReport',
    rule: 'still pending',
    status: 409,
    code: 'invalid_status_transition',
    arrange: async (g) => ({ reportId: (await g.report()).reportId, errorMessage: 'x' }),
  },
  {
    name: 'LogSymptom',
    rule: 'unregistered patient',
    status: 404,
    code: 'not_found',
    arrange: async () => bodies.symptom(uid('p')),
  },
  {
    name: 'LogSymptom',
    rule: 'unknown symptomId',
    status: 400,
    code: 'validation_failed',
    paths: ['symptomId'],
    arrange: async (g) => bodies.symptom(await g.patient(), { symptomId: 'sore_elbow' }),
  },
  {
    name: 'LogSymptom',
    rule: 'loggedAt more than 5 minutes in the future',
    status: 400,
    code: 'validation_failed',
    paths: ['loggedAt'],
    arrange: async (g) => bodies.symptom(await g.patient(), { loggedAt: inMinutes(10) }),
  },
  {
    name: 'LogSymptom',
    rule: 'unknown symptomId and future loggedAt together',
    status: 400,
    code: 'validation_failed',
    paths: ['symptomId', 'loggedAt'],
    arrange: async (g) => bodies.symptom(await g.patient(), { symptomId: 'sore_elbow', loggedAt: inMinutes(60) }),
  },
  {
    name: 'LogSymptom',
    rule: 'logId already in the log',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => {
      const body = bodies.symptom(await g.patient(), { logId: uid('log') });
      await g.client.ok('LogSymptom', body);
      return body;
    },
  },
  {
    name: 'StartSession',
    rule: 'unregistered player',
    status: 404,
    code: 'not_found',
    arrange: async () => bodies.session(uid('sess'), uid('p')),
  },
  {
    name: 'StartSession',
    rule: 'session id exists',
    status: 409,
    code: 'already_exists',
    arrange: async (g) => {
      const { sessionId, playerId } = await g.session();
      return bodies.session(sessionId, playerId);
    },
  },
  {
    name: 'CompleteSession',
    rule: 'missing session',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ sessionId: uid('sess'), endTime: '2025-04-01T11:00:00Z', kpis: {} }),
  },
  {
    name: 'CompleteSession',
    rule: 'already completed',
    status: 409,
    code: 'session_finished',
    arrange: async (g) => ({
      sessionId: (await g.completedSession()).sessionId,
      endTime: '2025-04-01T12:00:00Z',
      kpis: {},
    }),
  },
  {
    name: 'CompleteSession',
    rule: 'already failed',
    status: 409,
    code: 'session_finished',
    arrange: async (g) => ({
      sessionId: (await g.failedSession()).sessionId,
      endTime: '2025-04-01T12:00:00Z',
      kpis: {},
    }),
  },
  {
    name: 'CompleteSession',
    rule: 'endTime before startTime',
    status: 400,
    code: 'validation_failed',
    paths: ['endTime'],
    arrange: async (g) => ({ sessionId: (await g.session()).sessionId, endTime: '2025-04-01T09:59:59Z', kpis: {} }),
  },
  {
    name: 'FailSession',
    rule: 'missing session',
    status: 404,
    code: 'not_found',
    arrange: async () => ({ sessionId: uid('sess'), reason: 'x' }),
  },
  {
    name: 'FailSession',
    rule: 'already completed',
    status: 409,
    code: 'session_finished',
    arrange: async (g) => ({ sessionId: (await g.completedSession()).sessionId, reason: 'x' }),
  },
  {
    name: 'FailSession',
    rule: 'already failed',
    status: 409,
    code: 'session_finished',
    arrange: async (g) => ({ sessionId: (await g.failedSession()).sessionId, reason: 'x' }),
  },
];

describe.each<Topology>(['embedded', 'server'])('commands over HTTP [%s store]', (topology) => {
  let app: TestApp;
  let client: CommandClient;
  let adminClient: CommandClient;
  let g: Given;
  /** the role allowed to send `name`: services, or admins for ErasePatient */
  const roleOf = (name: CommandName) => commandRegistry[name].roles[0]!;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    client = commandClient(app);
    adminClient = commandClient(app, TEST_KEYS.admin);
    g = given(client);
  });
  afterAll(async () => app?.close());

  it('the registry has the 17 commands of SPEC §2 and ErasePatient (§9), each with a success case here', () => {
    expect([...commandNames].sort()).toEqual(Object.keys(successes).sort());
    expect(commandNames).toHaveLength(18);
  });

  describe('a valid command is appended and answered 201', () => {
    it.each(commandNames.map((name) => [name]))('%s', async (name) => {
      const expected = await successes[name](g);
      const mark = await eventLog(app).mark();
      const correlationId = `corr-${uid(name)}`;
      const sentAt = Date.now();
      const sender = roleOf(name) === 'admin' ? adminClient : client;
      const res = await sender.send(name, expected.body, { 'x-correlation-id': correlationId });
      const answeredAt = Date.now();

      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-correlation-id']).toBe(correlationId);
      const appended = await mark.appended();
      expect(appended).toHaveLength(1);
      const event = appended[0]!;
      const accepted = res.body as Accepted;
      expect(accepted).toEqual({
        streamId: expected.stream,
        nextExpectedRevision: expected.revision,
        position: event.position.toString(10),
        events: [{ id: event.id, type: expected.type }],
      });
      expect(accepted.position).toMatch(/^(0|[1-9][0-9]*)$/);

      expect(event.streamId).toBe(expected.stream);
      expect(event.revision).toBe(BigInt(expected.revision));
      expect(event.type).toBe(expected.type);
      expect(event.id).toMatch(UUID);
      expect(event.data).toEqual(expected.data);
      // as stored: the personal fields sent are only in the ciphertext (SPEC §9)
      const [stored] = await mark.appendedRaw();
      const personal = (personalFieldsOf(expected.type)?.fields ?? []).filter((field) => field in expected.data);
      for (const field of personal) expect(stored!.data).not.toHaveProperty(field);
      if (personal.length > 0) expect(typeof stored!.data[ENCRYPTED_FIELD]).toBe('string');
      else expect(stored!.data).toEqual(expected.data);
      const role = roleOf(name);
      expect(event.metadata).toEqual({
        actor: { id: keyIdOf(TEST_KEYS[role]), role },
        correlationId,
        causationId: expect.stringMatching(UUID),
        commandName: name,
        occurredAt: expect.any(String),
        schemaVersion: 1,
      });
      const occurredAt = event.metadata['occurredAt'] as string;
      if (expected.occurredAt === SERVER_TIME) {
        const at = Date.parse(occurredAt);
        expect(at).toBeGreaterThanOrEqual(sentAt - 5);
        expect(at).toBeLessThanOrEqual(answeredAt + 5);
      } else {
        expect(occurredAt).toBe(expected.occurredAt);
      }
      // the stream holds the new event at the answered revision
      const stream = await eventLog(app).stream(expected.stream);
      expect(stream).toHaveLength(expected.revision + 1);
      expect(stream.at(-1)!.id).toBe(event.id);
    });

    it('generates a correlation id when none is sent, echoes it, and stores it on the event', async () => {
      const doctorId = uid('d');
      const res = await client.send('RegisterDoctor', bodies.doctor(doctorId));
      expect(res.status).toBe(201);
      const correlationId = res.headers['x-correlation-id'];
      expect(typeof correlationId).toBe('string');
      expect(correlationId).not.toBe('');
      const [event] = await eventLog(app).stream(`doctor-${doctorId}`);
      expect(event!.metadata['correlationId']).toBe(correlationId);
      expect(event!.metadata['causationId']).not.toBe(correlationId);
    });

    it('each command gets its own causationId; events of one correlation share its id', async () => {
      const patientId = uid('p');
      const headers = { 'x-correlation-id': `flow-${patientId}` };
      await client.ok('RegisterPatient', bodies.patient(patientId), headers);
      await client.ok('UpdatePatientProfile', { patientId, position: 'keeper' }, headers);
      const events = await eventLog(app).stream(`patient-${patientId}`);
      expect(events.map((e) => e.metadata['correlationId'])).toEqual([`flow-${patientId}`, `flow-${patientId}`]);
      expect(events[0]!.metadata['causationId']).not.toBe(events[1]!.metadata['causationId']);
    });

    it('accepts a loggedAt less than 5 minutes ahead of the server clock', async () => {
      const patientId = await g.patient();
      const loggedAt = inMinutes(2);
      const res = await client.send(
        'LogSymptom',
        bodies.symptom(patientId, { loggedAt, reporterType: 'coach', logId: 'log-1' }),
      );
      expect(res.status).toBe(201);
      const [event] = await eventLog(app).stream(`tracker-${patientId}`);
      expect(event!.data).toEqual({
        patientId,
        symptomId: 'headache',
        severity: 2,
        loggedAt,
        reporterType: 'coach',
        logId: 'log-1',
      });
      expect(event!.metadata['occurredAt']).toBe(loggedAt);
    });

    it('business time: a bare consultation date is midnight UTC; a scan without takenAt is server time', async () => {
      const { patientId, doctorId } = await g.patientAndDoctor();
      const consultationId = uid('c');
      await client.ok('RecordConsultation', bodies.consultation(consultationId, patientId, doctorId, 'completed'));
      const [consultation] = await eventLog(app).stream(`consultation-${consultationId}`);
      expect(consultation!.metadata['occurredAt']).toBe('2025-03-01T00:00:00.000Z');
      expect(consultation!.data['status']).toBe('completed');

      const scanId = uid('s');
      const sentAt = Date.now();
      await client.ok('UploadScan', { ...bodies.scan(scanId, patientId), modality: 'CT' });
      const [scan] = await eventLog(app).stream(`scan-${scanId}`);
      const at = Date.parse(scan!.metadata['occurredAt'] as string);
      expect(at).toBeGreaterThanOrEqual(sentAt - 5);
      expect(at).toBeLessThanOrEqual(Date.now() + 5);
      expect(scan!.data['modality']).toBe('CT');
    });

    it('a failed report may be started again while it failed fewer than 3 times', async () => {
      const { reportId } = await g.failedReport(2);
      const res = await client.send('StartReportGeneration', { reportId });
      expect(res.status).toBe(201);
      expect((res.body as Accepted).nextExpectedRevision).toBe(5);
      const events = await eventLog(app).stream(`report-${reportId}`);
      expect(events.at(-1)!.data).toMatchObject({ reportId, retryCount: 2 });
    });
  });

  describe('a command that breaks a rule is rejected and appends nothing', () => {
    it.each(rejections.map((r) => [`${r.name}: ${r.rule} → ${r.status} ${r.code}`, r] as const))(
      '%s',
      async (_title, rejection) => {
        const body = await rejection.arrange(g);
        const mark = await eventLog(app).mark();
        const res = await client.send(rejection.name, body);

        expect(res.status).toBe(rejection.status);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = res.body as ProblemBody;
        expect(problem).toMatchObject({
          status: rejection.status,
          code: rejection.code,
          type: expect.any(String),
          title: expect.any(String),
          detail: expect.any(String),
        });
        if (rejection.paths) expect(new Set(problem.errors?.map((e) => e.path))).toEqual(new Set(rejection.paths));
        expect(await mark.appended()).toEqual([]);
        expect(await mark.headNow()).toBe(mark.head);
      },
    );
  });
});
