import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import {
  apiKeysEnv,
  bodies,
  commandClient,
  eventLog,
  given,
  uid,
  type Accepted,
  type CommandClient,
  type ProblemBody,
  type Reply,
} from '../support/commands.js';

const ROUNDS = 10;

/** A losing racer without If-Match sees the rule the winner's event makes it break (never a bare revision conflict). */
const LOSER_CODES = ['already_exists', 'already_assigned', 'invalid_status_transition'];

/** Concurrent commands of the hot-stream tests. */
const N = 32;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Exactly one 201 and one 409 with a known code, whatever the order. */
function expectOneWinner(replies: Reply[]): Reply {
  expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
  const loser = replies.find((r) => r.status === 409)!;
  expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(LOSER_CODES).toContain((loser.body as ProblemBody).code);
  return replies.find((r) => r.status === 201)!;
}

describe.each<Topology>(['embedded', 'server', 'esdb'])('concurrent commands on one stream [%s store]', (topology) => {
  let app: TestApp;
  let client: CommandClient;
  let g: ReturnType<typeof given>;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    client = commandClient(app);
    g = given(client);
    process.stdout.write(`concurrent commands running against: ${app.infrastructure.describe}\n`);
  });
  afterAll(async () => app?.close());

  async function expectAllLogged(patientId: string, replies: Reply[], before: number) {
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));
    const stream = await eventLog(app).stream(`tracker-${patientId}`);
    // every command one event, at dense revisions, each answer naming its own
    expect(stream.map((e) => e.revision)).toEqual(range(before + replies.length).map(BigInt));
    const answered = replies.map((r) => r.body as Accepted);
    expect(answered.map((a) => a.nextExpectedRevision).sort((a, b) => a - b)).toEqual(
      range(replies.length).map((i) => before + i),
    );
    const byRevision = new Map(stream.map((e) => [Number(e.revision), e]));
    for (const a of answered) {
      const stored = byRevision.get(a.nextExpectedRevision)!;
      expect(a.events).toEqual([{ id: stored.id, type: 'SymptomLogged' }]);
      expect(a.position).toBe(String(stored.position));
    }
  }

  it(`${N} LogSymptom for one patient at once without If-Match, on a new tracker stream: ${N} × 201 and ${N} events`, async () => {
    const patientId = await g.patient();
    const replies = await Promise.all(
      range(N).map((i) => client.send('LogSymptom', bodies.symptom(patientId, { severity: i % 7 }))),
    );
    await expectAllLogged(patientId, replies, 0);
  });

  it(`${N} LogSymptom for one patient at once without If-Match, on an existing tracker stream: ${N} × 201`, async () => {
    const patientId = await g.patient();
    await client.ok('LogSymptom', bodies.symptom(patientId));
    await client.ok('LogSymptom', bodies.symptom(patientId));
    const replies = await Promise.all(range(N).map(() => client.send('LogSymptom', bodies.symptom(patientId))));
    await expectAllLogged(patientId, replies, 2);
  });

  it('a stale If-Match is 409 wrong_expected_version at once; of several sent with the current one, one wins', async () => {
    const patientId = await g.patient();
    for (let i = 0; i < 3; i++) await client.ok('LogSymptom', bodies.symptom(patientId));
    const stale = await client.send('LogSymptom', bodies.symptom(patientId), { 'if-match': '1' });
    expect(stale.status).toBe(409);
    expect((stale.body as ProblemBody).code).toBe('wrong_expected_version');
    const mark = await eventLog(app).mark();
    const replies = await Promise.all(
      range(8).map(() => client.send('LogSymptom', bodies.symptom(patientId), { 'if-match': '2' })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, ...range(7).map(() => 409)]);
    for (const r of replies.filter((r) => r.status === 409))
      expect((r.body as ProblemBody).code).toBe('wrong_expected_version');
    expect(await mark.appended()).toHaveLength(1);
    expect((replies.find((r) => r.status === 201)!.body as Accepted).nextExpectedRevision).toBe(3);
  });

  it('the same logId sent at once by several clients: exactly one 201, the others 409 already_exists', async () => {
    const patientId = await g.patient();
    const logId = uid('log');
    const mark = await eventLog(app).mark();
    const replies = await Promise.all(
      range(8).map(() => client.send('LogSymptom', bodies.symptom(patientId, { logId }))),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, ...range(7).map(() => 409)]);
    for (const r of replies.filter((r) => r.status === 409))
      expect((r.body as ProblemBody).code).toBe('already_exists');
    const appended = await mark.appended();
    expect(appended.map((e) => e.data['logId'])).toEqual([logId]);
  });

  it(`two ChangeConsultationStatus on one scheduled consultation: one wins (${ROUNDS} rounds)`, async () => {
    const { patientId, doctorId } = await g.patientAndDoctor();
    for (let round = 0; round < ROUNDS; round++) {
      const consultationId = uid(`race${round}`);
      await client.ok('RecordConsultation', bodies.consultation(consultationId, patientId, doctorId, 'scheduled'));
      const mark = await eventLog(app).mark();
      const replies = await Promise.all([
        client.send('ChangeConsultationStatus', { consultationId, status: 'completed' }),
        client.send('ChangeConsultationStatus', { consultationId, status: 'cancelled' }),
      ]);
      const winner = expectOneWinner(replies);
      const appended = await mark.appended();
      expect(appended).toHaveLength(1);
      const stream = await eventLog(app).stream(`consultation-${consultationId}`);
      expect(stream.map((e) => e.type)).toEqual(['ConsultationRecorded', 'ConsultationStatusChanged']);
      expect(stream[1]!.id).toBe(appended[0]!.id);
      const won = replies.indexOf(winner) === 0 ? 'completed' : 'cancelled';
      expect(stream[1]!.data['status']).toBe(won);
    }
  });

  it(`two RegisterPatient with the same id: one wins (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const patientId = uid(`race${round}`);
      const mark = await eventLog(app).mark();
      const replies = await Promise.all([
        client.send('RegisterPatient', { ...bodies.patient(patientId), firstName: 'First' }),
        client.send('RegisterPatient', { ...bodies.patient(patientId), firstName: 'Second' }),
      ]);
      const winner = expectOneWinner(replies);
      expect(await mark.appended()).toHaveLength(1);
      const stream = await eventLog(app).stream(`patient-${patientId}`);
      expect(stream).toHaveLength(1);
      expect(stream[0]!.data['firstName']).toBe(replies.indexOf(winner) === 0 ? 'First' : 'Second');
    }
  });

  it(`two AssignDoctor of the same doctor: one active assignment (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const ids = await g.patientAndDoctor();
      const mark = await eventLog(app).mark();
      const replies = await Promise.all([
        client.send('AssignDoctor', { ...ids, assignmentType: 'primary' }),
        client.send('AssignDoctor', { ...ids, assignmentType: 'consultant' }),
      ]);
      expectOneWinner(replies);
      expect(await mark.appended()).toHaveLength(1);
      expect((await eventLog(app).stream(`patient-${ids.patientId}`)).map((e) => e.type)).toEqual([
        'PatientRegistered',
        'DoctorAssigned',
      ]);
    }
  });

  it(`the same Idempotency-Key sent twice at once appends one event (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const body = bodies.doctor(uid(`race${round}`));
      const headers = { 'idempotency-key': uid('idem') };
      const mark = await eventLog(app).mark();
      const replies = await Promise.all([
        client.send('RegisterDoctor', body, headers),
        client.send('RegisterDoctor', body, headers),
      ]);
      // the second either replays the first result or is told the first is still running
      const statuses = replies.map((r) => r.status).sort();
      expect([
        [201, 201],
        [201, 409],
      ]).toContainEqual(statuses);
      const created = replies.filter((r) => r.status === 201);
      for (const reply of created) expect(reply.body).toEqual(created[0]!.body);
      for (const reply of replies.filter((r) => r.status === 409))
        expect((reply.body as ProblemBody).code).toBe('idempotency_in_progress');
      expect(await mark.appended()).toHaveLength(1);
    }
  });

  it('commands on different streams run side by side: all succeed', async () => {
    const patientIds = Array.from({ length: 8 }, (_, i) => uid(`par${i}`));
    const mark = await eventLog(app).mark();
    const replies = await Promise.all(
      patientIds.map((patientId) => client.send('RegisterPatient', bodies.patient(patientId))),
    );
    expect(replies.map((r) => r.status)).toEqual(patientIds.map(() => 201));
    const appended = await mark.appended();
    expect(appended.map((e) => e.streamId).sort()).toEqual(patientIds.map((id) => `patient-${id}`).sort());
    // positions are distinct and each answer names its own event's position
    expect(new Set(replies.map((r) => (r.body as { position: string }).position)).size).toBe(8);
  });
});
