/**
 * SPEC §9 end to end: a patient with distinctive personal data everywhere (profile, assignment
 * note, consultations, a scan, reports, sessions), commands with Idempotency-Key, a read of the
 * patient (access record); then ErasePatient. Afterwards no distinctive string is anywhere: not
 * in any table of any schema (text, JSON escapes, bytes as hex and base64), not in the events
 * read back raw from the log (EventStoreDB included), not in the log lines. The hash chain stays
 * clean, the statistics keep their counts, every projection rebuilt gives the live rows, and
 * every view (queries, audit history, as-of before the erasure) shows the fields as erased.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { allProjections } from '../../projections/index.js';
import { ENCRYPTED_FIELD } from '../../libs/personal-data/index.js';
import type { StoredEvent } from '../../libs/event-store/index.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import {
  apiKeysEnv,
  commandClient,
  TEST_KEYS,
  uid,
  type Accepted,
  type CommandClient,
  type ProblemBody,
} from '../support/commands.js';

/** Every distinctive personal value sent; one has non-ASCII letters. */
const secrets = {
  firstName: 'Zephyrine',
  lastName: 'Ødegård-Quillfeather',
  renamed: 'Quillfeather-Åkesson',
  dateOfBirth: '1987-07-13',
  assignmentNote: 'gondola-assignment-note',
  endReason: 'caribou-end-reason',
  chiefComplaint: 'throbbing-xylophone-ache',
  diagnosis: 'quokka-syndrome-seven',
  prescription: 'marmalade-tincture-42',
  consultationNotes: 'whispered-lighthouse-note',
  cancelReason: 'albatross-cancel-reason',
  fileUri: 's3://scans/vermilion-okapi.dcm',
  reportUri: 's3://reports/heron-report.pdf',
  reportError: 'renderer-saw-ptarmigan',
  sessionTitle: 'Tangerine Drill Session',
  sessionDescription: 'kumquat-sprint-description',
  videoPath: '/videos/narwhal-clip.mp4',
  metadataRemark: 'pelican-coach-remark',
  sessionFailure: 'walrus-fail-reason',
};

/** The forms a string may take in a dump: as text, JSON-escaped (ASCII escapes of non-ASCII too), UTF-8 as hex and base64. */
function formsOf(value: string): string[] {
  const utf8 = Buffer.from(value, 'utf8');
  const asciiJson = JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    asciiJson.slice(1, -1),
    utf8.toString('hex'),
    utf8.toString('base64').replace(/=+$/, ''),
  ];
}

/** The distinctive strings found in `text`, with the form they were found in. */
function findSecrets(text: string): string[] {
  const lower = text.toLowerCase();
  return Object.entries(secrets).flatMap(([name, value]) =>
    formsOf(value)
      .filter((form) => lower.includes(form.toLowerCase()))
      .map((form) => `${name} as ${form}`),
  );
}

/** Every row of every table of every non-system schema, as text, bytea columns also as hex. */
async function dumpDatabase(app: TestApp): Promise<string> {
  const db = app.infrastructure.database.db;
  const { rows: tables } = await sql<{
    schema: string;
    name: string;
  }>`SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1, 2`.execute(
    db,
  );
  expect(tables.map((t) => t.schema)).toEqual(
    expect.arrayContaining(['public', 'caretrack_keys', 'caretrack_api', 'caretrack_projections']),
  );
  const parts: string[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.id(t.schema, t.name)} t`.execute(db);
    parts.push(...rows.map((r) => `${t.schema}.${t.name}: ${r.row}`));
    const { rows: byteaColumns } = await sql<{
      column: string;
    }>`SELECT column_name AS column FROM information_schema.columns
      WHERE table_schema = ${t.schema} AND table_name = ${t.name} AND data_type = 'bytea'`.execute(db);
    for (const { column } of byteaColumns) {
      const { rows: hex } = await sql<{
        hex: string | null;
      }>`SELECT encode(${sql.ref(column)}, 'hex') AS hex FROM ${sql.id(t.schema, t.name)}`.execute(db);
      parts.push(...hex.map((h) => `${t.schema}.${t.name}.${column}: ${h.hex ?? ''}`));
    }
  }
  return parts.join('\n');
}

async function rawEvents(app: TestApp): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let from: 'start' | bigint = 'start'; ;) {
    const page = await app.infrastructure.eventStore.readAll({ fromPosition: from, maxCount: 1000 });
    events.push(...page);
    if (page.length < 1000) return events;
    from = page.at(-1)!.position;
  }
}

/** The rows of every projection table, sorted, as text. */
async function projectionRows(app: TestApp): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of allProjections.flatMap((p) => p.tableNames)) {
    const { rows } = await sql<{
      row: string;
    }>`SELECT to_jsonb(t.*)::text AS row FROM ${sql.id('public', table)} t ORDER BY 1`.execute(
      app.infrastructure.database.db,
    );
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

describe.each<Topology>(['embedded', 'server', 'esdb'])('erasure of a patient [%s]', (topology) => {
  let app: TestApp;
  let service: CommandClient;
  let admin: CommandClient;
  const logLines: string[] = [];
  const patientId = uid('p');
  const doctorId = uid('d');
  let last = '0';
  let erasedAt = '';
  let statisticsBefore: Record<string, unknown> = {};

  const get = async (url: string, key: string = TEST_KEYS.admin) => {
    const res = await app.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${key}`, 'x-min-position': last },
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const ok = async (
    client: CommandClient,
    name: Parameters<CommandClient['send']>[0],
    body: object,
    headers: Record<string, string> = {},
  ) => {
    const res = await client.send(name, body, headers);
    if (res.status !== 201) throw new Error(`${name} answered ${res.status}: ${res.raw}`);
    last = (res.body as Accepted).position;
    return res.body as Accepted;
  };

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv, { logLines });
    service = commandClient(app);
    admin = commandClient(app, TEST_KEYS.admin);
    const c1 = uid('c');
    const c2 = uid('c');
    const scanId = uid('s');
    const r1 = uid('r');
    const r2 = uid('r');
    const se1 = uid('se');
    const se2 = uid('se');
    await ok(service, 'RegisterDoctor', { doctorId, name: 'Dr Staff Member' });
    await ok(
      service,
      'RegisterPatient',
      {
        patientId,
        firstName: secrets.firstName,
        lastName: secrets.lastName,
        dateOfBirth: secrets.dateOfBirth,
        sportType: 'hockey',
        teamId: 't1',
      },
      { 'idempotency-key': `reg-${patientId}` },
    );
    await ok(
      service,
      'UpdatePatientProfile',
      { patientId, lastName: secrets.renamed },
      { 'idempotency-key': `upd-${patientId}` },
    );
    await ok(service, 'AssignDoctor', {
      patientId,
      doctorId,
      assignmentType: 'primary',
      notes: secrets.assignmentNote,
    });
    await ok(service, 'EndDoctorAssignment', { patientId, doctorId, reason: secrets.endReason });
    await ok(
      service,
      'RecordConsultation',
      {
        consultationId: c1,
        patientId,
        doctorId,
        consultationType: 'in_person',
        consultationDate: '2025-03-01',
        status: 'completed',
        chiefComplaint: secrets.chiefComplaint,
        diagnosis: secrets.diagnosis,
        prescription: secrets.prescription,
        notes: secrets.consultationNotes,
      },
      { 'idempotency-key': `cons-${c1}` },
    );
    await ok(service, 'RecordConsultation', {
      consultationId: c2,
      patientId,
      doctorId,
      consultationType: 'follow_up',
      consultationDate: '2025-04-01',
      status: 'scheduled',
    });
    await ok(service, 'ChangeConsultationStatus', {
      consultationId: c2,
      status: 'cancelled',
      reason: secrets.cancelReason,
    });
    await ok(service, 'UploadScan', {
      scanId,
      patientId,
      fileUri: secrets.fileUri,
      sha256: 'b'.repeat(64),
      sizeBytes: 2048,
      modality: 'MRI',
    });
    await ok(service, 'RecordPrediction', {
      scanId,
      predictionId: uid('pr'),
      result: 'negative',
      confidence: 0.8,
      modelVersion: 'm1',
    });
    await ok(service, 'RequestReport', { reportId: r1, patientId, reportType: 'summary' });
    await ok(service, 'StartReportGeneration', { reportId: r1 });
    await ok(service, 'FailReport', { reportId: r1, errorMessage: secrets.reportError });
    await ok(service, 'RequestReport', { reportId: r2, patientId, reportType: 'summary' });
    await ok(service, 'StartReportGeneration', { reportId: r2 });
    await ok(service, 'CompleteReport', { reportId: r2, reportUri: secrets.reportUri });
    await ok(service, 'LogSymptom', {
      patientId,
      symptomId: 'headache',
      severity: 3,
      loggedAt: '2025-05-01T08:00:00Z',
    });
    await ok(service, 'StartSession', {
      sessionId: se1,
      playerId: patientId,
      sessionType: 'training',
      startTime: '2025-04-01T10:00:00Z',
      title: secrets.sessionTitle,
      description: secrets.sessionDescription,
      videoPath: secrets.videoPath,
      metadata: { remark: secrets.metadataRemark },
    });
    await ok(service, 'CompleteSession', { sessionId: se1, endTime: '2025-04-01T11:00:00Z', kpis: { passes: 12 } });
    await ok(service, 'StartSession', {
      sessionId: se2,
      playerId: patientId,
      sessionType: 'match',
      startTime: '2025-04-02T10:00:00Z',
    });
    await ok(service, 'FailSession', { sessionId: se2, reason: secrets.sessionFailure });

    // before the erasure the fields are served (and the read is in the access record)
    const before = await get(`/patients/${patientId}`, TEST_KEYS.reader);
    expect(before.body).toMatchObject({ first_name: secrets.firstName, last_name: secrets.renamed, erased_at: null });
    statisticsBefore = (await get(`/patients/${patientId}/statistics`)).body;
    expect(statisticsBefore).toMatchObject({
      total_consultations: expect.any(Number),
      total_scans: 1,
      total_sessions: expect.any(Number),
    });

    // only admins erase
    expect((await service.send('ErasePatient', { patientId, reason: 'request' })).status).toBe(403);
    const erased = await ok(admin, 'ErasePatient', { patientId, reason: 'subject access request #7' });
    expect(erased.events.map((e) => e.type)).toEqual(['PatientErased']);
    const timeline = await get(`/patients/${patientId}/timeline`);
    expect(timeline.status).toBe(200);
    erasedAt = String((await get(`/patients/${patientId}`)).body['erased_at']);
  }, 180_000);
  afterAll(async () => app?.close());

  it('answers a second erasure 409 already_erased and an unknown patient 404', async () => {
    const again = await admin.send('ErasePatient', { patientId, reason: 'twice' });
    expect({ status: again.status, code: (again.body as ProblemBody).code }).toEqual({
      status: 409,
      code: 'already_erased',
    });
    expect((await admin.send('ErasePatient', { patientId: uid('p'), reason: 'nobody' })).status).toBe(404);
  });

  it('shows the patient as erased: personal columns null, erased_at set, the rest kept', async () => {
    const patient = (await get(`/patients/${patientId}`)).body;
    expect(patient).toMatchObject({
      patient_id: patientId,
      first_name: null,
      last_name: null,
      date_of_birth: null,
      sport_type: 'hockey',
      team_id: 't1',
    });
    expect(Date.parse(erasedAt)).toBeGreaterThan(0);
    const consultations = (await get(`/patients/${patientId}/consultations`)).body as {
      items: Record<string, unknown>[];
    };
    expect(consultations.items).toHaveLength(2);
    for (const c of consultations.items)
      expect(c).toMatchObject({ chief_complaint: null, diagnosis: null, prescription: null, notes: null });
  });

  it('keeps the statistics counts and a clean hash chain', async () => {
    expect((await get(`/patients/${patientId}/statistics`)).body).toEqual(statisticsBefore);
    const integrity = await app.app.inject({
      method: 'GET',
      url: '/audit/integrity',
      headers: { authorization: `Bearer ${TEST_KEYS.auditor}` },
    });
    expect(integrity.statusCode).toBe(200);
    expect(integrity.json()).toMatchObject({ clean: true, problems: [] });
  });

  it('shows the fields as erased in the audit history and as of a time before the erasure', async () => {
    const auditor = { authorization: `Bearer ${TEST_KEYS.auditor}` };
    const history = await app.app.inject({
      method: 'GET',
      url: `/audit/streams/patient-${patientId}`,
      headers: auditor,
    });
    const events = (
      history.json() as { events: { type: string; data: Record<string, unknown>; personalData?: unknown }[] }
    ).events;
    expect(events[0]).toMatchObject({
      type: 'PatientRegistered',
      data: { patientId, firstName: null, lastName: null, dateOfBirth: null, sportType: 'hockey' },
    });
    expect(events.some((e) => 'personalData' in e)).toBe(false);
    const asOf = await app.app.inject({
      method: 'GET',
      url: `/audit/patients/${patientId}/as-of?at=${encodeURIComponent(new Date(Date.parse(erasedAt) - 1).toISOString())}`,
      headers: auditor,
    });
    expect(asOf.statusCode).toBe(200);
    expect(JSON.stringify(asOf.json())).toContain('Patient registered');
    expect(findSecrets(history.body + asOf.body)).toEqual([]);
  });

  it('refuses a later command with personal data for the patient (409 patient_erased) and accepts one without', async () => {
    const withNote = await service.send('RecordConsultation', {
      consultationId: uid('c'),
      patientId,
      doctorId,
      consultationType: 'in_person',
      consultationDate: '2025-06-01',
      notes: 'a new note',
    });
    expect({ status: withNote.status, code: (withNote.body as ProblemBody).code }).toEqual({
      status: 409,
      code: 'patient_erased',
    });
    expect((withNote.body as ProblemBody).detail).not.toContain('a new note');
    await ok(service, 'RecordConsultation', {
      consultationId: uid('c'),
      patientId,
      doctorId,
      consultationType: 'in_person',
      consultationDate: '2025-06-01',
    });
    await ok(service, 'LogSymptom', {
      patientId,
      symptomId: 'dizziness',
      severity: 1,
      loggedAt: '2025-06-02T08:00:00Z',
    });
    expect((await get(`/patients/${patientId}/statistics`)).body['total_consultations']).toBe(
      Number(statisticsBefore['total_consultations']) + 1,
    );
  });

  it('keeps idempotency request hashes keyed: an unkeyed hash of a guessed body matches none', async () => {
    const body = {
      dateOfBirth: secrets.dateOfBirth,
      firstName: secrets.firstName,
      lastName: secrets.lastName,
      patientId,
      sportType: 'hockey',
      teamId: 't1',
    }; // keys sorted
    const guess = createHash('sha256')
      .update(JSON.stringify(['RegisterPatient', null, body]))
      .digest('hex');
    const { rows } = await sql<{
      request_hash: string;
    }>`SELECT request_hash FROM caretrack_api.idempotency_keys`.execute(app.infrastructure.database.db);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row.request_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.map((r) => r.request_hash)).not.toContain(guess);
  });

  it('rebuilds every projection after the erasure into exactly the live rows', async () => {
    await get(`/patients/${patientId}`); // caught up
    const live = await projectionRows(app);
    for (const projection of allProjections) {
      await app.projectionAdmin.startRebuild(projection.name);
      await app.projectionAdmin.settled(projection.name);
      const progress = await app.projectionAdmin.progress(projection.name);
      expect({ name: projection.name, state: progress?.state, error: progress?.error }).toEqual({
        name: projection.name,
        state: 'swapped',
        error: null,
      });
    }
    expect(await projectionRows(app)).toEqual(live);
  }, 180_000);

  it('drops the previous (rollback) tables when an erasure is applied: they could hold the plaintext', async () => {
    const adminHeaders = { authorization: `Bearer ${TEST_KEYS.admin}` };
    const { rows: before } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'caretrack_previous_%'`.execute(
      app.infrastructure.database.db,
    );
    expect(before[0]!.n).toBe(allProjections.length); // the rebuilds above kept the tables they replaced
    const other = uid('p');
    await ok(service, 'RegisterPatient', { patientId: other, firstName: 'Another', lastName: 'Person' });
    await ok(admin, 'ErasePatient', { patientId: other, reason: 'request' });
    // the runner drops them after applying the batch to every projection: wait for that
    let left = -1;
    for (
      const deadline = Date.now() + 10_000;
      left !== 0 && Date.now() < deadline;
      await new Promise((resolve) => setTimeout(resolve, 50))
    ) {
      const { rows } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'caretrack_previous_%'`.execute(
        app.infrastructure.database.db,
      );
      left = rows[0]!.n;
    }
    expect(left).toBe(0);
    const rollback = await app.app.inject({
      method: 'POST',
      url: '/admin/projections/patients/rollback',
      headers: adminHeaders,
    });
    expect(rollback.statusCode).toBe(409);
  });

  it('leaves no distinctive string anywhere: every table of every schema, the raw log, pg_dump, the log lines', async () => {
    await get(`/patients/${patientId}`);
    const dump = await dumpDatabase(app);
    expect(dump).toContain(patientId); // the dump holds the patient's rows
    expect(findSecrets(dump)).toEqual([]);
    const events = await rawEvents(app);
    const mine = events.filter((e) => JSON.stringify(e.data).includes(patientId));
    expect(mine.filter((e) => ENCRYPTED_FIELD in e.data).length).toBe(11); // every event that carried personal fields holds them as ciphertext
    expect(
      findSecrets(
        JSON.stringify(events.map((e) => ({ ...e, position: String(e.position), revision: String(e.revision) }))),
      ),
    ).toEqual([]);
    if (topology === 'server') {
      const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', app.config.databaseUrl!], {
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(stdout).toContain(patientId);
      expect(findSecrets(stdout)).toEqual([]);
    }
    expect(logLines.length).toBeGreaterThan(10);
    expect(findSecrets(logLines.join('\n'))).toEqual([]);
  }, 120_000);
});
