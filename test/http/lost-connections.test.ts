import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminQuery, testDatabaseUrl } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS, uid, type Reply } from '../support/commands.js';
import { startTcpProxy, type TcpProxy } from '../support/esdb-double/tcp-proxy.js';
import { expectProblem } from '../support/problems.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The PostgreSQL server store, reached through a TCP proxy the test can take down: connections
 * lost while requests hold them, and an outage of the database (SPEC §10: a lost database
 * connection never ends the process; requests get 503 problem+json with Retry-After until it is
 * back). The fault suite (test/faults/) does the same with a real PostgreSQL restart.
 */
describe('lost database connections [PostgreSQL server via a TCP proxy]', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  let database: string;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    const target = new URL(testDatabaseUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    app = await startTestApp('server', apiKeysEnv, {
      databaseUrl: (url) => {
        const proxied = new URL(url);
        proxied.host = `127.0.0.1:${proxy.port}`;
        database = proxied.pathname.slice(1);
        return proxied.toString();
      },
    });
    process.on('uncaughtException', onUncaught);
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    proxy?.setDown(false);
    await app?.close();
    await proxy?.stop();
  });

  async function get(url: string, key: string, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await app.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, ...headers } });
    let body: unknown;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, raw: res.body, body };
  }

  async function readyWithin(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while ((await app.app.inject({ method: 'GET', url: '/ready' })).statusCode !== 200) {
      if (Date.now() > deadline) throw new Error(`not ready again within ${ms} ms`);
      await sleep(100);
    }
  }

  it('defect 1: a connection lost while a request holds it does not end the process', async () => {
    const client = commandClient(app);
    const patientId = uid('p');
    const registered = await client.ok('RegisterPatient', { patientId, firstName: 'Lost', lastName: 'Connection' });
    // A transaction holds a pool client, idle, when the server ends its backend: the client emits
    // 'error' with no query to fail. Before the fix that error had no listener and ended the process.
    const held = app.infrastructure.database.db.transaction().execute(async (trx) => {
      await app.infrastructure.database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      await trx.selectNoFrom((eb) => eb.val(1).as('one')).execute();
      await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      );
      await sleep(300);
    });
    await expect(held).rejects.toThrow();
    // And under load: commands and queries while every backend of the app is ended, three times.
    const statuses: number[] = [];
    const load = Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        await sleep(i * 15);
        const res =
          i % 2 === 0
            ? await client.send('RegisterDoctor', { doctorId: uid('d'), name: 'Dr Load' })
            : await get(`/patients/${patientId}`, TEST_KEYS.reader, { 'x-min-position': registered.position });
        statuses.push(res.status);
      }),
    );
    for (let round = 0; round < 3; round++) {
      await sleep(60);
      await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      );
    }
    await load;
    await sleep(300);
    expect(uncaught).toEqual([]);
    expect(statuses.filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    await readyWithin(10_000);
    const after = await client.send('LogSymptom', {
      patientId,
      symptomId: 'headache',
      severity: 1,
      loggedAt: new Date().toISOString(),
    });
    expect(after.status).toBe(201);
    const read = await get(`/patients/${patientId}`, TEST_KEYS.reader, {
      'x-min-position': (after.body as { position: string }).position,
    });
    expect(read.status).toBe(200);
  }, 60_000);

  it('defect 2: during an outage queries, audit and admin reads answer 503 store_unavailable with Retry-After, then 200 by themselves', async () => {
    const client = commandClient(app);
    const patientId = uid('p');
    const registered = await client.ok('RegisterPatient', { patientId, firstName: 'Out', lastName: 'Age' });
    proxy.setDown(true);
    try {
      const during: [string, Reply][] = [
        ['query', await get(`/patients/${patientId}`, TEST_KEYS.reader)],
        ['list', await get('/patients', TEST_KEYS.reader)],
        ['export', await get('/exports/tracker', TEST_KEYS.reader)],
        ['audit', await get('/audit/access', TEST_KEYS.auditor)],
        ['audit stream', await get(`/audit/streams/patient-${patientId}`, TEST_KEYS.auditor)],
        ['admin', await get('/admin/projections', TEST_KEYS.admin)],
        [
          'command',
          await client.send('LogSymptom', {
            patientId,
            symptomId: 'headache',
            severity: 2,
            loggedAt: new Date().toISOString(),
          }),
        ],
      ];
      for (const [what, res] of during) {
        expect({ what, status: res.status }).toEqual({ what, status: 503 });
        expectProblem(res, 503, 'store_unavailable');
        expect({ what, retryAfter: res.headers['retry-after'] }).toEqual({
          what,
          retryAfter: expect.stringMatching(/^[1-9][0-9]*$/),
        });
      }
      const ready = await app.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(ready.headers['retry-after']).toBeDefined();
      await sleep(1500); // the projection runner and the listener keep failing meanwhile
    } finally {
      proxy.setDown(false);
    }
    await readyWithin(15_000);
    expect(
      (await get(`/patients/${patientId}`, TEST_KEYS.reader, { 'x-min-position': registered.position })).status,
    ).toBe(200);
    const accepted = await client.ok('LogSymptom', {
      patientId,
      symptomId: 'headache',
      severity: 2,
      loggedAt: new Date().toISOString(),
    });
    // The projections resume by themselves: a read of that write is served.
    const read = await get(`/patients/${patientId}/timeline`, TEST_KEYS.reader, {
      'x-min-position': accepted.position,
    });
    expect(read.status).toBe(200);
    const { projections } = (await get('/admin/projections', TEST_KEYS.admin)).body as {
      projections: { name: string; status: string }[];
    };
    expect(projections.length).toBeGreaterThan(0);
    expect(projections.filter((p) => p.status === 'faulted')).toEqual([]);
    expect(uncaught).toEqual([]);
  }, 60_000);
});
