import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commandNames } from '../../libs/domain/commands.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import {
  apiKeysEnv,
  bodies,
  commandClient,
  eventLog,
  given,
  TEST_KEYS,
  uid,
  type Accepted,
  type CommandClient,
  type ProblemBody,
  type Reply,
} from '../support/commands.js';
import { expectProblem } from '../support/problems.js';

describe.each<Topology>(['embedded', 'server'])('command headers, idempotency and auth [%s store]', (topology) => {
  let app: TestApp;
  let client: CommandClient;
  let g: ReturnType<typeof given>;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    client = commandClient(app);
    g = given(client);
  });
  afterAll(async () => app?.close());

  /** Sends with `send`, expects the problem, and that the log did not move. */
  async function rejectedWith(send: () => Promise<Reply>, status: number, code: string): Promise<ProblemBody> {
    const mark = await eventLog(app).mark();
    const problem = expectProblem(await send(), status, code);
    expect(await mark.appended()).toEqual([]);
    expect(await mark.headNow()).toBe(mark.head);
    return problem;
  }

  describe('If-Match', () => {
    it('succeeds with the current revision, bare or quoted', async () => {
      const patientId = await g.patient();
      const first = await client.send('UpdatePatientProfile', { patientId, ageGroup: 'U18' }, { 'if-match': '0' });
      expect(first.status).toBe(201);
      expect((first.body as Accepted).nextExpectedRevision).toBe(1);
      const second = await client.send('UpdatePatientProfile', { patientId, ageGroup: 'U19' }, { 'if-match': '"1"' });
      expect(second.status).toBe(201);
      expect((second.body as Accepted).nextExpectedRevision).toBe(2);
      expect(await eventLog(app).stream(`patient-${patientId}`)).toHaveLength(3);
    });

    it.each([
      ['stale (behind the stream)', '0'],
      ['ahead of the stream', '7'],
    ])('409 wrong_expected_version when %s', async (_what, ifMatch) => {
      const patientId = await g.patient();
      await client.ok('UpdatePatientProfile', { patientId, ageGroup: 'U18' });
      await client.ok('UpdatePatientProfile', { patientId, ageGroup: 'U19' });
      const problem = await rejectedWith(
        () => client.send('UpdatePatientProfile', { patientId, ageGroup: 'U20' }, { 'if-match': ifMatch }),
        409,
        'wrong_expected_version',
      );
      expect(problem.detail).toContain(`patient-${patientId}`);
      expect(await eventLog(app).stream(`patient-${patientId}`)).toHaveLength(3);
    });

    it('409 wrong_expected_version when the stream does not exist yet', async () => {
      const patientId = uid('p');
      await rejectedWith(
        () => client.send('RegisterPatient', bodies.patient(patientId), { 'if-match': '0' }),
        409,
        'wrong_expected_version',
      );
    });

    it.each([['abc'], ['-1'], ['1.5'], ['W/"x"'], ['']])('400 naming If-Match for %j', async (ifMatch) => {
      const patientId = await g.patient();
      const problem = await rejectedWith(
        () => client.send('UpdatePatientProfile', { patientId, ageGroup: 'U18' }, { 'if-match': ifMatch }),
        400,
        'validation_failed',
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(['If-Match']);
    });

    it('400 lists every bad header at once', async () => {
      const problem = await rejectedWith(
        () =>
          client.send('RegisterDoctor', bodies.doctor(uid('d')), {
            'if-match': 'latest',
            'idempotency-key': 'k'.repeat(256),
            'x-correlation-id': 'has spaces',
          }),
        400,
        'validation_failed',
      );
      expect(new Set(problem.errors?.map((e) => e.path))).toEqual(
        new Set(['If-Match', 'Idempotency-Key', 'X-Correlation-Id']),
      );
    });
  });

  describe('Idempotency-Key', () => {
    it('same key and same body: the same 201 body, one event in the log', async () => {
      const key = uid('idem');
      const body = bodies.patient(uid('p'));
      const mark = await eventLog(app).mark();
      const first = await client.send('RegisterPatient', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const reordered = { lastName: body.lastName, firstName: body.firstName, patientId: body.patientId };
      for (const again of [body, reordered]) {
        const replay = await client.send('RegisterPatient', again, { 'idempotency-key': key });
        expect(replay.status).toBe(201);
        expect(replay.body).toEqual(first.body);
      }
      const appended = await mark.appended();
      expect(appended.map((e) => [e.streamId, e.type])).toEqual([[`patient-${body.patientId}`, 'PatientRegistered']]);
      expect((first.body as Accepted).events).toEqual([{ id: appended[0]!.id, type: 'PatientRegistered' }]);
    });

    it('same key and a different body: 422 idempotency_key_reused, nothing appended', async () => {
      const key = uid('idem');
      const patientId = uid('p');
      await client.ok('RegisterPatient', bodies.patient(patientId), { 'idempotency-key': key });
      const other = { ...bodies.patient(uid('p')) };
      await rejectedWith(
        () => client.send('RegisterPatient', other, { 'idempotency-key': key }),
        422,
        'idempotency_key_reused',
      );
      await rejectedWith(
        () =>
          client.send(
            'RegisterPatient',
            { ...bodies.patient(patientId), firstName: 'Augusta' },
            { 'idempotency-key': key },
          ),
        422,
        'idempotency_key_reused',
      );
      expect(await eventLog(app).stream(`patient-${other.patientId}`)).toEqual([]);
    });

    it('a failed request may be retried with the same key once its cause is fixed', async () => {
      const key = uid('idem');
      const patientId = await g.patient();
      const doctorId = uid('d');
      const body = { patientId, doctorId, assignmentType: 'primary' };
      await rejectedWith(() => client.send('AssignDoctor', body, { 'idempotency-key': key }), 404, 'not_found');
      await rejectedWith(() => client.send('AssignDoctor', body, { 'idempotency-key': key }), 404, 'not_found');
      await g.doctor(doctorId);

      const mark = await eventLog(app).mark();
      const retried = await client.send('AssignDoctor', body, { 'idempotency-key': key });
      expect(retried.status).toBe(201);
      const again = await client.send('AssignDoctor', body, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(retried.body);
      expect((await mark.appended()).map((e) => e.type)).toEqual(['DoctorAssigned']);
    });

    it('a request rejected as invalid does not burn its key', async () => {
      const key = uid('idem');
      const doctorId = uid('d');
      await rejectedWith(
        () => client.send('RegisterDoctor', { doctorId }, { 'idempotency-key': key }),
        400,
        'validation_failed',
      );
      const res = await client.send('RegisterDoctor', bodies.doctor(doctorId), { 'idempotency-key': key });
      expect(res.status).toBe(201);
    });

    it('without a key, repeating a command is judged again (409 for a second registration)', async () => {
      const body = bodies.doctor(uid('d'));
      await client.ok('RegisterDoctor', body);
      await rejectedWith(() => client.send('RegisterDoctor', body), 409, 'already_exists');
    });
  });

  describe('API keys (SPEC §8)', () => {
    const body = () => bodies.doctor(uid('d'));

    it('401 without a key, with a WWW-Authenticate challenge', async () => {
      const anonymous = commandClient(app, null);
      await rejectedWith(() => anonymous.send('RegisterDoctor', body()), 401, 'unauthorized');
      const res = await anonymous.send('RegisterDoctor', body());
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it.each([
      ['an unknown key', { authorization: 'Bearer not_a_key_of_this_service_0123456789' }],
      ['a service key with one character changed', { authorization: `Bearer ${TEST_KEYS.service.slice(0, -1)}X` }],
      [
        'a Basic credential',
        { authorization: `Basic ${Buffer.from(`service:${TEST_KEYS.service}`).toString('base64')}` },
      ],
      ['Bearer without a key', { authorization: 'Bearer ' }],
      ['the key without the Bearer scheme', { authorization: TEST_KEYS.service }],
    ])('401 with %s', async (_what, headers) => {
      const anonymous = commandClient(app, null);
      await rejectedWith(() => anonymous.send('RegisterDoctor', body(), headers), 401, 'unauthorized');
    });

    it.each([['reader' as const], ['admin' as const], ['auditor' as const]])(
      '403 forbidden for a %s key',
      async (role) => {
        await rejectedWith(() => commandClient(app, TEST_KEYS[role]).send('RegisterDoctor', body()), 403, 'forbidden');
      },
    );

    it('201 for the service key', async () => {
      const res = await commandClient(app, TEST_KEYS.service).send('RegisterDoctor', body());
      expect(res.status).toBe(201);
    });

    it('the key is checked before the body and the command name: no key, bad body → 401', async () => {
      const anonymous = commandClient(app, null);
      await rejectedWith(() => anonymous.send('RegisterDoctor', { doctorId: '!' }), 401, 'unauthorized');
      await rejectedWith(() => anonymous.send('NoSuchCommand', {}), 401, 'unauthorized');
      await rejectedWith(
        () => commandClient(app, TEST_KEYS.reader).send('RegisterDoctor', { doctorId: '!' }),
        403,
        'forbidden',
      );
    });
  });

  describe('documentation', () => {
    it('GET /docs/openapi.json answers 200 without a key and documents every command', async () => {
      const res = await app.app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const document = res.json<{ openapi: string; paths: Record<string, { post?: unknown }> }>();
      expect(document.openapi).toMatch(/^3\.1\./);
      for (const name of commandNames) expect(document.paths[`/commands/${name}`]?.post).toBeDefined();
    });
  });
});
