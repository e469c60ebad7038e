import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { allProjections } from '../../projections/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, TEST_KEYS, uid } from '../support/commands.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** The projections whose lease a runner holds now, by owner. */
async function leaseOwners(app: TestApp): Promise<Map<string, string>> {
  const { rows } = await sql<{
    name: string;
    owner: string;
  }>`SELECT name, owner FROM caretrack_projections.leases WHERE expires_at > now()`.execute(
    app.infrastructure.database.db,
  );
  return new Map(rows.map((r) => [r.name, r.owner]));
}

describe('process roles: an api process beside a projector process on one database [server]', () => {
  let api: TestApp;
  let projector: TestApp;

  beforeAll(async () => {
    api = await startTestApp('server', { ...apiKeysEnv, CARETRACK_ROLE: 'api' });
    projector = await startTestApp('server', { ...apiKeysEnv, CARETRACK_ROLE: 'projector' }, { besides: api });
  });
  afterAll(async () => {
    await projector?.close();
    await api?.close();
  });

  it('the api process starts no runner: it holds no projection, the projector holds them all', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.runner.heldProjections()).toEqual([]);
    const owners = await leaseOwners(api);
    expect([...owners.keys()].sort()).toEqual(allProjections.map((p) => p.name).sort());
    expect(new Set(owners.values())).toEqual(new Set([projector.runner.owner]));
  });

  it('a command sent to the api process is readable there with X-Min-Position once the projector has applied it', async () => {
    const patientId = uid('roles');
    const accepted = await commandClient(api).ok('RegisterPatient', bodies.patient(patientId));
    const res = await api.app.inject({
      method: 'GET',
      url: `/patients/${patientId}`,
      headers: { ...auth(TEST_KEYS.reader), 'x-min-position': accepted.position },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ patient_id: patientId, first_name: 'Ada' });
    expect(BigInt(String(res.headers['x-projection-position']))).toBeGreaterThanOrEqual(BigInt(accepted.position));
  });

  it('the projector process answers no command and no query (404), but /health and /ready', async () => {
    const command = await projector.app.inject({
      method: 'POST',
      url: '/commands/RegisterPatient',
      headers: { ...auth(TEST_KEYS.service), 'content-type': 'application/json' },
      payload: JSON.stringify(bodies.patient(uid('nope'))),
    });
    expect(command.statusCode).toBe(404);
    expect(command.json()).toMatchObject({ status: 404, code: 'not_found' });
    for (const url of ['/patients', '/admin/projections', '/audit/integrity', '/docs/openapi.json']) {
      const res = await projector.app.inject({ method: 'GET', url, headers: auth(TEST_KEYS.admin) });
      expect([url, res.statusCode]).toEqual([url, 404]);
    }
    expect((await projector.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await projector.app.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({ status: 'ready' });
  });

  it('admin operations run from the api process (they are not the runner): the list shows the projector as owner, verify works', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/admin/projections', headers: auth(TEST_KEYS.admin) });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { projections: { name: string; owner: string | null }[] };
    expect(list.projections.map((p) => p.owner)).toEqual(list.projections.map(() => projector.runner.owner));
    const verify = await api.app.inject({
      method: 'POST',
      url: '/admin/projections/patients/verify',
      headers: auth(TEST_KEYS.admin),
    });
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ name: 'patients', matches: true, differences: [] });
  });
});

describe('process roles: an api process alone [embedded]', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp('embedded', { ...apiKeysEnv, CARETRACK_ROLE: 'api' });
  });
  afterAll(async () => api?.close());

  it('serves commands and (empty) read tables, and never projects', async () => {
    const patientId = uid('alone');
    await commandClient(api).ok('RegisterPatient', bodies.patient(patientId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const res = await api.app.inject({ method: 'GET', url: `/patients`, headers: auth(TEST_KEYS.reader) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ items: [] });
    expect(api.runner.heldProjections()).toEqual([]);
    expect((await leaseOwners(api)).size).toBe(0);
  });
});
