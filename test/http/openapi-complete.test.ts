import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { commandNames } from '../../libs/domain/commands.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, TEST_KEYS, uid } from '../support/commands.js';

type Document = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: object;
};

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
/** Fastify's `/patients/:id` is OpenAPI's `/patients/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
/** The one route `POST /commands/:name` is documented once per command, as `/commands/RegisterPatient` … */
const COMMAND_ROUTE = '/commands/{name}';
const asRoute = (path: string) => (path.startsWith('/commands/') ? COMMAND_ROUTE : path);

describe('/docs/openapi.json documents every endpoint', () => {
  let app: TestApp;
  let document: Document;

  beforeAll(async () => {
    app = await startTestApp('server', apiKeysEnv);
    const res = await app.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    document = res.json() as Document;
  }, 60_000);
  afterAll(async () => app?.close());

  it('has an operation for every route Fastify registered (HEAD goes with its GET)', () => {
    const routes = app.routes.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(30);
    const documented = (method: string, path: string) =>
      path === COMMAND_ROUTE
        ? commandNames.every((name) => document.paths[`/commands/${name}`]?.[method] !== undefined)
        : document.paths[path]?.[method] !== undefined;
    const missing = routes
      .filter((r) => !documented(r.method.toLowerCase(), openApiPath(r.url)))
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    expect(
      app.routes
        .filter((r) => r.method === 'HEAD')
        .every((h) => app.routes.some((r) => r.method === 'GET' && r.url === h.url)),
    ).toBe(true);
  });

  it('documents no operation that is not a route', () => {
    const registered = new Set(app.routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${asRoute(path)}`),
    );
    expect(documented.filter((operation) => !registered.has(operation))).toEqual([]);
  });

  it('covers the families of the issue: queries, admin, audit, metrics, health, console, docs', () => {
    for (const path of [
      '/patients/{id}/timeline',
      '/admin/projections/{name}/rebuild',
      '/audit/integrity',
      '/audit/access',
      '/metrics',
      '/health',
      '/ready',
      '/console',
      '/console/{file}',
      '/docs/openapi.json',
      '/whoami',
    ]) {
      expect({ path, documented: document.paths[path] !== undefined }).toEqual({ path, documented: true });
    }
  });

  describe('answers match their documented schemas', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    /** Validates a 200/202 JSON answer of `method path` against the document. */
    const check = (method: string, path: string, status: number, body: unknown) => {
      if (validators.size === 0)
        ajv.addSchema({ $id: 'https://caretrack.test/openapi.json', components: document.components });
      const id = `https://caretrack.test/${method}${path}/${status}`;
      const schema = document.paths[path]![method]!.responses[String(status)]!.content!['application/json']!.schema;
      const validate = validators.get(id) ?? ajv.compile({ $id: id, ...rewrite(schema) });
      validators.set(id, validate);
      const valid = validate(body);
      expect({ path, errors: valid ? null : validate.errors }).toEqual({ path, errors: null });
    };
    const rewrite = (schema: unknown): object =>
      JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"https://caretrack.test/openapi.json#/components/'),
      ) as object;

    it('admin, audit and whoami', async () => {
      const client = commandClient(app);
      const patientId = uid('p');
      const last = await client.ok('RegisterPatient', bodies.patient(patientId));
      await app.app.inject({
        method: 'GET',
        url: `/patients/${patientId}`,
        headers: { ...auth(TEST_KEYS.reader), 'x-min-position': last.position },
      });
      const get = async (url: string, key: string, method: 'GET' | 'POST' = 'GET') => {
        const res = await app.app.inject({ method, url, headers: auth(key) });
        return { status: res.statusCode, body: res.json() as unknown };
      };
      let res = await get('/admin/projections', TEST_KEYS.admin);
      check('get', '/admin/projections', res.status, res.body);
      res = await get('/admin/projections/patients/rebuild', TEST_KEYS.admin, 'POST');
      check('post', '/admin/projections/{name}/rebuild', res.status, res.body);
      await app.projectionAdmin.settled('patients');
      res = await get('/admin/projections/patients/rebuild', TEST_KEYS.admin);
      check('get', '/admin/projections/{name}/rebuild', res.status, res.body);
      res = await get('/admin/projections/patients/verify', TEST_KEYS.admin, 'POST');
      check('post', '/admin/projections/{name}/verify', res.status, res.body);
      res = await get('/admin/projections/patients/rollback', TEST_KEYS.admin, 'POST');
      check('post', '/admin/projections/{name}/rollback', res.status, res.body);
      res = await get(`/audit/streams/patient-${patientId}`, TEST_KEYS.auditor);
      check('get', '/audit/streams/{streamId}', res.status, res.body);
      res = await get('/audit/events?limit=5', TEST_KEYS.auditor);
      check('get', '/audit/events', res.status, res.body);
      res = await get(
        `/audit/patients/${patientId}/as-of?at=${encodeURIComponent(new Date().toISOString())}`,
        TEST_KEYS.auditor,
      );
      check('get', '/audit/patients/{id}/as-of', res.status, res.body);
      res = await get('/audit/integrity', TEST_KEYS.auditor);
      check('get', '/audit/integrity', res.status, res.body);
      res = await get('/audit/access', TEST_KEYS.auditor);
      expect((res.body as { items: unknown[] }).items.length).toBeGreaterThan(0);
      check('get', '/audit/access', res.status, res.body);
      for (const key of Object.values(TEST_KEYS)) {
        res = await get('/whoami', key);
        check('get', '/whoami', res.status, res.body);
      }
    }, 60_000);
  });
});
