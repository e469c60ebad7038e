import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandName } from '../../libs/domain/commands.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, eventLog, given, uid, type CommandClient } from '../support/commands.js';
import { expectProblem } from '../support/problems.js';

const name201 = 'n'.repeat(201);
const text10001 = 't'.repeat(10_001);
const uri2001 = `s3://${'u'.repeat(1_996)}`;
const id65 = 'i'.repeat(65);
const okSession = { sessionId: 'sess-1', endTime: '2025-04-01T11:00:00Z' };

/** A body with several bad fields at once, and exactly the paths `errors` must list. */
type BadInput = { name: CommandName; why: string; body: unknown; paths: string[] };

const badInputs: BadInput[] = [
  {
    name: 'RegisterPatient',
    why: 'missing, oversized, bad id, impossible date, wrong type, empty, unknown field',
    body: {
      patientId: '-p1',
      firstName: name201,
      dateOfBirth: '2023-02-29',
      jerseyNumber: 'ten',
      ageGroup: '',
      nickname: 'Ace',
    },
    paths: ['patientId', 'firstName', 'lastName', 'dateOfBirth', 'jerseyNumber', 'ageGroup', 'nickname'],
  },
  {
    name: 'RegisterPatient',
    why: 'out of range, non-integer, id too long, date in another format',
    body: {
      patientId: id65,
      firstName: 'A',
      lastName: 'B',
      jerseyNumber: 1000,
      dateOfBirth: '01/02/2004',
      teamId: 'team 1',
    },
    paths: ['patientId', 'jerseyNumber', 'dateOfBirth', 'teamId'],
  },
  {
    name: 'UpdatePatientProfile',
    why: 'wrong types, bad id, out of range, oversized, unknown field',
    body: { patientId: 42, teamId: 'bad id!', jerseyNumber: 2.5, sportType: name201, lastName: null, email: 'x@y.z' },
    paths: ['patientId', 'teamId', 'jerseyNumber', 'sportType', 'lastName', 'email'],
  },
  {
    name: 'RegisterDoctor',
    why: 'missing id, oversized name, bad email, wrong type, unknown field',
    body: { name: name201, email: 'not-an-email', specialization: 5, phone: '555' },
    paths: ['doctorId', 'name', 'email', 'specialization', 'phone'],
  },
  {
    name: 'AssignDoctor',
    why: 'bad enum, oversized notes, empty id, missing patient',
    body: { doctorId: '', assignmentType: 'boss', notes: text10001 },
    paths: ['patientId', 'doctorId', 'assignmentType', 'notes'],
  },
  {
    name: 'EndDoctorAssignment',
    why: 'oversized reason, bad id, unknown field',
    body: { patientId: 'p1', doctorId: ':d1', reason: text10001, endedAt: '2025-01-01' },
    paths: ['doctorId', 'reason', 'endedAt'],
  },
  {
    name: 'RecordConsultation',
    why: 'bad enums, bad dates, non-integer, negative fee, oversized text, missing doctor',
    body: {
      consultationId: 'c1',
      patientId: 'p1',
      consultationType: 'video',
      consultationDate: '2025-13-01',
      status: 'cancelled',
      durationMinutes: 1.5,
      fee: -1,
      nextVisitDate: '2025-03-08T10:00:00Z',
      chiefComplaint: text10001,
    },
    paths: [
      'doctorId',
      'consultationType',
      'consultationDate',
      'status',
      'durationMinutes',
      'fee',
      'nextVisitDate',
      'chiefComplaint',
    ],
  },
  {
    name: 'RecordConsultation',
    why: 'fee with 3 decimals, duration over a day, timestamp without offset',
    body: {
      consultationId: 'c1',
      patientId: 'p1',
      doctorId: 'd1',
      consultationType: 'emergency',
      consultationDate: '2025-03-01T10:00:00',
      durationMinutes: 24 * 60 + 1,
      fee: 12.345,
      diagnosis: 7,
    },
    paths: ['consultationDate', 'durationMinutes', 'fee', 'diagnosis'],
  },
  {
    name: 'ChangeConsultationStatus',
    why: 'status not reachable by a change, wrong type, missing id',
    body: { status: 'scheduled', reason: 123 },
    paths: ['consultationId', 'status', 'reason'],
  },
  {
    name: 'UploadScan',
    why: 'bad enum, bad hash, negative size, empty uri, date instead of timestamp, missing patient',
    body: { scanId: 's1', modality: 'PET', sha256: 'abc', sizeBytes: -1, fileUri: '', takenAt: '2025-01-01' },
    paths: ['patientId', 'modality', 'sha256', 'sizeBytes', 'fileUri', 'takenAt'],
  },
  {
    name: 'UploadScan',
    why: 'oversized uri, non-hex hash, non-integer size, oversized region',
    body: {
      scanId: 's1',
      patientId: 'p1',
      fileUri: uri2001,
      sha256: 'g'.repeat(64),
      sizeBytes: 10.5,
      bodyRegion: name201,
    },
    paths: ['fileUri', 'sha256', 'sizeBytes', 'bodyRegion'],
  },
  {
    name: 'RecordPrediction',
    why: 'confidence over 1, stage over 5, bad enum, missing model, bad id',
    body: { scanId: 's1', predictionId: 'a b', result: 'maybe', stage: 6, confidence: 1.5 },
    paths: ['predictionId', 'result', 'stage', 'confidence', 'modelVersion'],
  },
  {
    name: 'RecordPrediction',
    why: 'negative confidence, fractional stage, confidence as string',
    body: { scanId: 's1', predictionId: 'x', result: 'positive', stage: 2.5, confidence: '0.5', modelVersion: 'm' },
    paths: ['stage', 'confidence'],
  },
  {
    name: 'RequestReport',
    why: 'priority 0, oversized type, unknown field',
    body: { reportId: 'r1', patientId: 'p1', reportType: name201, priority: 0, format: 'pdf' },
    paths: ['reportType', 'priority', 'format'],
  },
  {
    name: 'RequestReport',
    why: 'priority 6, missing type, bad patient id',
    body: { reportId: 'r1', patientId: 'p/1', priority: 6 },
    paths: ['patientId', 'reportType', 'priority'],
  },
  {
    name: 'StartReportGeneration',
    why: 'missing id, unknown field',
    body: { force: true },
    paths: ['reportId', 'force'],
  },
  {
    name: 'CompleteReport',
    why: 'oversized uri, wrong type of id',
    body: { reportId: 7, reportUri: uri2001 },
    paths: ['reportId', 'reportUri'],
  },
  {
    name: 'FailReport',
    why: 'empty message, unknown field',
    body: { reportId: 'r1', errorMessage: '', retry: 1 },
    paths: ['errorMessage', 'retry'],
  },
  {
    name: 'FailReport',
    why: 'oversized message, missing id',
    body: { errorMessage: text10001 },
    paths: ['reportId', 'errorMessage'],
  },
  {
    name: 'LogSymptom',
    why: 'severity 7, bad timestamp, bad enums, bad key, bad log id, missing patient, unknown field',
    body: {
      symptomId: 'Headache!',
      severity: 7,
      loggedAt: 'yesterday',
      reporterType: 'friend',
      incidentContext: 'home',
      logId: '_l1',
      mood: 'ok',
    },
    paths: ['patientId', 'symptomId', 'severity', 'loggedAt', 'reporterType', 'incidentContext', 'logId', 'mood'],
  },
  {
    name: 'LogSymptom',
    why: 'severity as string, timestamp without offset',
    body: { patientId: 'p1', symptomId: 'headache', severity: '3', loggedAt: '2025-01-01T10:00:00' },
    paths: ['severity', 'loggedAt'],
  },
  {
    name: 'LogSymptom',
    why: 'fractional and negative severity are both out of the 0-6 integer scale',
    body: { patientId: 'p1', symptomId: 'headache', severity: -1, loggedAt: '2025-01-01T10:00:00Z', logId: id65 },
    paths: ['severity', 'logId'],
  },
  {
    name: 'StartSession',
    why: 'bad enum, date instead of timestamp, oversized title, metadata not an object, empty video path, missing player',
    body: {
      sessionId: 'sess-1',
      sessionType: 'friendly',
      startTime: '2025-01-01',
      title: name201,
      metadata: 'x',
      videoPath: '',
      description: text10001,
    },
    paths: ['playerId', 'sessionType', 'startTime', 'title', 'metadata', 'videoPath', 'description'],
  },
  {
    name: 'StartSession',
    why: 'metadata over 16 KB',
    body: {
      sessionId: 'sess-1',
      playerId: 'p1',
      sessionType: 'training',
      startTime: '2025-01-01T10:00:00Z',
      metadata: { blob: 'm'.repeat(17 * 1024) },
    },
    paths: ['metadata'],
  },
  {
    name: 'CompleteSession',
    why: 'pass_accuracy 101, negative metric, fractional count, negative zone, unknown KPI, bad endTime',
    body: {
      sessionId: 'sess-1',
      endTime: 'later',
      kpis: {
        pass_accuracy: 101,
        max_speed_kmh: -1,
        touches: 1.5,
        speed_zones: { z1: -5 },
        unknown_kpi: 1,
        shots: '3',
      },
    },
    paths: [
      'endTime',
      'kpis.pass_accuracy',
      'kpis.max_speed_kmh',
      'kpis.touches',
      'kpis.speed_zones.z1',
      'kpis.unknown_kpi',
      'kpis.shots',
    ],
  },
  { name: 'CompleteSession', why: 'kpis missing', body: okSession, paths: ['kpis'] },
  { name: 'CompleteSession', why: 'kpis not an object', body: { ...okSession, kpis: [1, 2] }, paths: ['kpis'] },
  {
    name: 'FailSession',
    why: 'empty reason, id too long, unknown field',
    body: { sessionId: id65, reason: '', code: 'E1' },
    paths: ['sessionId', 'reason', 'code'],
  },
  { name: 'FailSession', why: 'oversized reason', body: { sessionId: 'sess-1', reason: text10001 }, paths: ['reason'] },
];

describe.each<Topology>(['embedded', 'server'])('command input validation [%s store]', (topology) => {
  let app: TestApp;
  let client: CommandClient;
  let g: ReturnType<typeof given>;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    client = commandClient(app);
    g = given(client);
  });
  afterAll(async () => app?.close());

  /** Sends, checks the problem, and that the log did not move. */
  async function rejected(
    name: string,
    body: unknown,
    status: number,
    code: string,
    headers: Record<string, string> = {},
  ) {
    const mark = await eventLog(app).mark();
    const res = await client.send(name, body, headers);
    const problem = expectProblem(res, status, code);
    expect(await mark.appended()).toEqual([]);
    expect(await mark.headNow()).toBe(mark.head);
    return problem;
  }

  it('every command has at least one bad-input case', () => {
    expect(new Set(badInputs.map((b) => b.name)).size).toBe(17);
  });

  it.each(badInputs.map((b) => [`${b.name}: ${b.why}`, b] as const))(
    '400 lists every bad field: %s',
    async (_title, bad) => {
      const problem = await rejected(bad.name, bad.body, 400, 'validation_failed');
      const paths = problem.errors?.map((e) => e.path) ?? [];
      expect(new Set(paths)).toEqual(new Set(bad.paths));
      for (const error of problem.errors ?? []) expect(error.message).toEqual(expect.any(String));
    },
  );

  // PostgreSQL's jsonb cannot hold U+0000 nor a lone UTF-16 surrogate: such a string is bad input
  // (400 naming the field), not a 500 from the store.
  it.each([
    ['a NUL character in a name', 'RegisterDoctor', async () => ({ doctorId: uid('d'), name: 'Dr \u0000Ada' }), 'name'],
    [
      'a NUL character in free text',
      'FailReport',
      async () => ({ reportId: (await g.generatingReport()).reportId, errorMessage: 'boom\u0000' }),
      'errorMessage',
    ],
    [
      'a lone surrogate in a name',
      'RegisterPatient',
      async () => ({ ...bodies.patient(uid('p')), firstName: 'A\ud800' }),
      'firstName',
    ],
    [
      'a NUL character inside session metadata',
      'StartSession',
      async () => ({ ...bodies.session(uid('sess'), await g.patient()), metadata: { note: 'a\u0000b' } }),
      'metadata',
    ],
  ] as const)('400 (not 500) for %s', async (_what, name, arrange, path) => {
    const problem = await rejected(name, await arrange(), 400, 'validation_failed');
    const paths = problem.errors?.map((e) => e.path) ?? [];
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p === path || p.startsWith(`${path}.`)).toBe(true);
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"RegisterPatient"'],
    ['JSON null', 'null'],
    ['a number', '42'],
  ])('400 when the body is %s, not an object', async (_what, raw) => {
    await rejected('RegisterDoctor', raw, 400, 'validation_failed');
  });

  it.each([
    ['truncated JSON', '{"doctorId": "d1", "name": '],
    ['single quotes', "{'doctorId': 'd1'}"],
    ['a trailing comma', '{"doctorId": "d1", "name": "Dr A",}'],
    ['an empty body', ''],
  ])('400 invalid_json for %s', async (_what, raw) => {
    await rejected('RegisterDoctor', raw, 400, 'invalid_json');
  });

  it('413 problem+json for a body over 256 KB, nothing appended', async () => {
    const body = { doctorId: 'd-huge', name: 'Dr Big', specialization: 'x'.repeat(300 * 1024) };
    await rejected('RegisterDoctor', body, 413, 'body_too_large');
    expect(await eventLog(app).stream('doctor-d-huge')).toEqual([]);
  });

  it('a body just under 256 KB is read (and judged on its fields)', async () => {
    const problem = await rejected(
      'RegisterDoctor',
      { doctorId: 'd-big', name: 'x'.repeat(250 * 1024) },
      400,
      'validation_failed',
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(['name']);
  });

  it.each([['NoSuchCommand'], ['registerPatient'], ['constructor'], ['__proto__'], ['toString'], ['hasOwnProperty']])(
    '404 not_found for the unknown command %s',
    async (name) => {
      await rejected(name, { patientId: 'p1', firstName: 'A', lastName: 'B' }, 404, 'not_found');
    },
  );
});
