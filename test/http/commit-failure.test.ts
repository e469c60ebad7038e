import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import {
  apiKeysEnv,
  bodies,
  commandClient,
  eventLog,
  given,
  type CommandClient,
  type ProblemBody,
} from '../support/commands.js';

describe.each<Topology>(['embedded', 'server'])('a group commit that fails [%s store]', (topology) => {
  let app: TestApp;
  let client: CommandClient;
  let failing = false;

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv, {
      // inside each batch's transaction, just before its COMMIT
      appendHooks: {
        beforeCommit: async () => {
          if (failing) throw new Error('injected: the commit fails');
        },
      },
    });
    client = commandClient(app);
  });
  afterAll(async () => app?.close());

  it('answers every command of it 503, none 201, and stores none of their events; the next ones succeed', async () => {
    const g = given(client);
    const hot = await g.patient();
    const others = await Promise.all(Array.from({ length: 8 }, () => g.patient()));
    const mark = await eventLog(app).mark();
    failing = true;
    const replies = await Promise.all([
      ...Array.from({ length: 8 }, () => client.send('LogSymptom', bodies.symptom(hot))),
      ...others.map((patientId) => client.send('LogSymptom', bodies.symptom(patientId))),
    ]);
    failing = false;
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 503));
    for (const reply of replies) expect((reply.body as ProblemBody).code).toBe('store_unavailable');
    expect(await mark.appended()).toEqual([]);
    const again = await Promise.all(
      [hot, ...others].map((patientId) => client.send('LogSymptom', bodies.symptom(patientId))),
    );
    expect(again.map((r) => r.status)).toEqual(again.map(() => 201));
    expect(await mark.appended()).toHaveLength(9);
  });
});
