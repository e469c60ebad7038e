import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from '../../apps/api/openapi/openapi-document.js';
import { queryOpenApiPaths, queryOpenApiSchemas } from '../../apps/api/queries/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, TEST_KEYS } from '../support/commands.js';

const PSEUDONYM = /^anon_[A-Za-z0-9_-]{22}$/;

describe('de-identified exports (?deidentified=true) [PostgreSQL server, two instances]', () => {
  let app: TestApp;
  let second: TestApp;
  let position = '0';

  const get = async (target: TestApp, url: string, accept = 'application/json') => {
    const res = await target.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${TEST_KEYS.reader}`, accept, 'x-min-position': position },
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      raw: res.body,
      json: () => res.json<{ items: Record<string, unknown>[] }>(),
    };
  };

  beforeAll(async () => {
    app = await startTestApp('server', apiKeysEnv);
    second = await startTestApp('server', { ...apiKeysEnv, DATABASE_URL: app.config.databaseUrl! });
    const client = commandClient(app);
    for (const [patientId, teamId] of [
      ['athlete-ursula', 'team-north'],
      ['athlete-victor', 'team-south'],
    ] as const) {
      await client.ok('RegisterPatient', { ...bodies.patient(patientId), teamId, ageGroup: 'U18' });
      position = (await client.ok('LogSymptom', bodies.symptom(patientId, { severity: 4 }))).position;
    }
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await app?.close();
  });

  it('replaces user_id by a stable pseudonym and drops team_id in the tracker export', async () => {
    const plain = (await get(app, '/exports/tracker')).json().items;
    const res = await get(app, '/exports/tracker?deidentified=true');
    expect(res.status).toBe(200);
    const rows = res.json().items;
    expect(rows).toHaveLength(2);
    for (const [i, row] of rows.entries()) {
      expect(row['user_id']).toMatch(PSEUDONYM);
      expect(row).not.toHaveProperty('team_id');
      const { team_id: _t, user_id: _u, ...rest } = plain[i]!;
      expect(row).toEqual({ ...rest, user_id: row['user_id'] });
    }
    expect(new Set(rows.map((r) => r['user_id'])).size).toBe(2);
    expect(res.raw).not.toMatch(/athlete-|team-/);
    expect((await get(app, '/exports/tracker?deidentified=false')).json().items).toEqual(plain);
  });

  it('gives one person the same pseudonym in both exports, on every call and on every instance', async () => {
    const tracker = (await get(app, '/exports/tracker?deidentified=true')).json().items.map((r) => r['user_id']);
    const logs = (await get(app, '/exports/symptom-log?deidentified=true')).json().items;
    expect(logs).toHaveLength(2);
    expect(logs.map((r) => r['user_id']).sort()).toEqual([...tracker].sort());
    expect(logs[0]).toMatchObject({ symptom_id: 'headache', severity: 4 });
    expect((await get(second, '/exports/tracker?deidentified=true')).json().items.map((r) => r['user_id'])).toEqual(
      tracker,
    );
  });

  it('carries the same in CSV: no team_id column, pseudonyms in user_id', async () => {
    const res = await get(app, '/exports/tracker?deidentified=true', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="tracker_export_deidentified.csv"');
    const [header, ...lines] = res.raw.trim().split('\r\n');
    expect(header).toBe(
      'user_id,current_stage,last_updated,triage_level,age_group,sport_type,incident_context,reporter_type',
    );
    expect(lines.map((line) => line.split(',')[0])).toEqual(
      (await get(app, '/exports/tracker?deidentified=true')).json().items.map((r) => r['user_id']),
    );
    const logs = await get(app, '/exports/symptom-log?deidentified=true', 'text/csv');
    expect(logs.raw).not.toContain('athlete-');
    expect(logs.raw.split('\r\n')[0]).toBe(
      'log_id,user_id,symptom_id,severity,timestamp,reporter_type,incident_context',
    );
  });

  it('rejects a value other than true or false with 400 naming the parameter', async () => {
    const res = await get(app, '/exports/tracker?deidentified=yes');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.raw)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'deidentified', message: 'must be true or false' }],
    });
  });

  it('matches the OpenAPI document', async () => {
    const document = buildOpenApiDocument({ extraPaths: queryOpenApiPaths, extraSchemas: queryOpenApiSchemas });
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({
      $id: 'https://caretrack.test/openapi.json',
      components: document.components,
      paths: document.paths,
    });
    const pointer = (path: string) =>
      `/paths/${path.replaceAll('/', '~1')}/get/responses/200/content/application~1json/schema`;
    const response = (path: string) => ajv.compile({ $ref: `https://caretrack.test/openapi.json#${pointer(path)}` });
    for (const [path, url] of [
      ['/exports/tracker', '/exports/tracker'],
      ['/exports/symptom-log', '/exports/symptom-log'],
    ] as const) {
      const validate = response(path);
      for (const query of ['', '?deidentified=true']) {
        const body = (await get(app, `${url}${query}`)).json();
        expect({ url: `${url}${query}`, valid: validate(body), errors: validate.errors ?? null }).toEqual({
          url: `${url}${query}`,
          valid: true,
          errors: null,
        });
      }
    }
  });
});
