/**
 * SPEC §9 across processes: two API instances on one database. Instance B has used the
 * patient's data key (cached); instance A erases the patient; B's next command carrying personal
 * data for them is 409 patient_erased within moments (the key store's NOTIFY evicts B's cache).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS, uid, type ProblemBody } from '../support/commands.js';

describe('an erasure on one instance reaches another [PostgreSQL server]', () => {
  let a: TestApp;
  let b: TestApp;
  /** a patient whose key was destroyed without PatientErased: an ErasePatient interrupted between its two steps */
  const interrupted = uid('p');

  beforeAll(async () => {
    a = await startTestApp('server', apiKeysEnv);
    await commandClient(a).ok('RegisterPatient', { patientId: interrupted, firstName: 'Half', lastName: 'Erased' });
    await a.infrastructure.keyStore.destroy(interrupted);
    b = await startTestApp('server', { ...apiKeysEnv, CARETRACK_ROLE: 'api' }, { besides: a });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a start completes an erasure interrupted after the key was destroyed: PatientErased appended by system', async () => {
    const events = await b.infrastructure.eventStore.readStream(`patient-${interrupted}`);
    expect(events.map((e) => e.type)).toEqual(['PatientRegistered', 'PatientErased']);
    expect(events[1]!.metadata['actor']).toEqual({ id: 'system', role: 'system' });
    expect(events[1]!.data).toEqual({ patientId: interrupted, reason: 'completing an interrupted erasure' });
  });

  it("refuses B's next command with personal data once A erased the patient", async () => {
    const patientId = uid('p');
    const onB = commandClient(b);
    await onB.ok('RegisterPatient', { patientId, firstName: 'Wilhelmina', lastName: 'Strand' });
    await onB.ok('UpdatePatientProfile', { patientId, lastName: 'Strand-Hale' }); // B holds the key now
    expect(
      (await commandClient(a, TEST_KEYS.admin).send('ErasePatient', { patientId, reason: 'request' })).status,
    ).toBe(201);
    let answer = { status: 0, code: '' };
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const res = await onB.send('UpdatePatientProfile', { patientId, firstName: 'Mina' });
      answer = { status: res.status, code: (res.body as ProblemBody).code };
      if (res.status === 409) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer).toEqual({ status: 409, code: 'patient_erased' });
  }, 30_000);
});
