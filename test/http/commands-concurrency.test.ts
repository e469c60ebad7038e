import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, eventLog, given, uid, type CommandClient, type ProblemBody, type Reply } from '../support/commands.js';

const ROUNDS = 10;

/** A losing racer sees the rule (it read the winner's event) or the stream moved under it. */
const LOSER_CODES = ['already_exists', 'already_assigned', 'invalid_status_transition', 'wrong_expected_version'];

/** Exactly one 201 and one 409 with a known code, whatever the order. */
function expectOneWinner(replies: Reply[]): Reply {
  expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
  const loser = replies.find((r) => r.status === 409)!;
  expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(LOSER_CODES).toContain((loser.body as ProblemBody).code);
  return replies.find((r) => r.status === 201)!;
}

describe.each<Topology>(['embedded', 'server'])('concurrent commands on one stream [%s store]', (topology) => {
  let app: TestApp;
  let client: CommandClient;
  let g: ReturnType<typeof given>;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    client = commandClient(app);
    g = given(client);
  });
  afterAll(async () => app?.close());

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
      expect((await eventLog(app).stream(`patient-${ids.patientId}`)).map((e) => e.type)).toEqual(['PatientRegistered', 'DoctorAssigned']);
    }
  });

  it(`the same Idempotency-Key sent twice at once appends one event (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const body = bodies.doctor(uid(`race${round}`));
      const headers = { 'idempotency-key': uid('idem') };
      const mark = await eventLog(app).mark();
      const replies = await Promise.all([client.send('RegisterDoctor', body, headers), client.send('RegisterDoctor', body, headers)]);
      // the second either replays the first result or is told the first is still running
      const statuses = replies.map((r) => r.status).sort();
      expect([
        [201, 201],
        [201, 409],
      ]).toContainEqual(statuses);
      const created = replies.filter((r) => r.status === 201);
      for (const reply of created) expect(reply.body).toEqual(created[0]!.body);
      for (const reply of replies.filter((r) => r.status === 409)) expect((reply.body as ProblemBody).code).toBe('idempotency_in_progress');
      expect(await mark.appended()).toHaveLength(1);
    }
  });

  it('commands on different streams run side by side: all succeed', async () => {
    const patientIds = Array.from({ length: 8 }, (_, i) => uid(`par${i}`));
    const mark = await eventLog(app).mark();
    const replies = await Promise.all(patientIds.map((patientId) => client.send('RegisterPatient', bodies.patient(patientId))));
    expect(replies.map((r) => r.status)).toEqual(patientIds.map(() => 201));
    const appended = await mark.appended();
    expect(appended.map((e) => e.streamId).sort()).toEqual(patientIds.map((id) => `patient-${id}`).sort());
    // positions are distinct and each answer names its own event's position
    expect(new Set(replies.map((r) => (r.body as { position: string }).position)).size).toBe(8);
  });
});
