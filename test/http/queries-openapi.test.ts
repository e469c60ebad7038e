import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from '../../apps/api/openapi/openapi-document.js';
import { queryOpenApiPaths, queryOpenApiSchemas, querySources } from '../../apps/api/queries/index.js';
import { allProjections } from '../../projections/index.js';

const document = buildOpenApiDocument({ extraPaths: queryOpenApiPaths, extraSchemas: queryOpenApiSchemas });

type Operation = {
  operationId: string;
  security: unknown;
  parameters: { name: string; in: string }[];
  responses: Record<string, unknown>;
};

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

function resolves(ref: string): boolean {
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      document,
    );
  return target !== undefined;
}

describe('queryOpenApiPaths', () => {
  const operations = Object.entries(queryOpenApiPaths).map(([path, item]) => [path, item['get'] as Operation] as const);

  it('documents the 14 query endpoints of SPEC §5 beside the commands', () => {
    expect(Object.keys(queryOpenApiPaths).sort()).toEqual(
      [
        '/patients',
        '/patients/{id}',
        '/patients/{id}/statistics',
        '/patients/{id}/timeline',
        '/patients/{id}/doctors',
        '/patients/{id}/consultations',
        '/patients/{id}/reports',
        '/doctors/{id}/patients',
        '/reports',
        '/sessions/{id}',
        '/sessions/{id}/kpis',
        '/players/{id}/kpis',
        '/exports/tracker',
        '/exports/symptom-log',
      ].sort(),
    );
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/commands/RegisterPatient', ...Object.keys(queryOpenApiPaths)]),
    );
  });

  it('gives every query bearer security, X-Min-Position, a 200 with X-Projection-Position, and 401/403/503 problems', () => {
    for (const [path, operation] of operations) {
      expect({ path, security: operation.security }).toEqual({ path, security: [{ bearer: [] }] });
      expect({
        path,
        header: operation.parameters.some((p) => p.name === 'X-Min-Position' && p.in === 'header'),
      }).toEqual({ path, header: true });
      expect({ path, statuses: Object.keys(operation.responses) }).toEqual({
        path,
        statuses: expect.arrayContaining(['200', '400', '401', '403', '503']),
      });
      expect(JSON.stringify(operation.responses['200'])).toContain('X-Projection-Position');
    }
  });

  it('resolves every $ref and has valid JSON Schema 2020-12 components', () => {
    expect(refsIn(document).filter((ref) => !resolves(ref))).toEqual([]);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, schema] of Object.entries(queryOpenApiSchemas))
      expect({ name, valid: ajv.validateSchema(schema) }).toEqual({ name, valid: true });
  });

  it('describes rows exactly: snake_case columns, nullability, no extra fields', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'https://caretrack.test/openapi.json', components: document.components });
    const validate = ajv.compile({ $ref: 'https://caretrack.test/openapi.json#/components/schemas/TrackerExportRow' });
    const row = {
      user_id: 'p1',
      current_stage: null,
      last_updated: null,
      triage_level: 'green',
      age_group: null,
      sport_type: null,
      team_id: null,
      incident_context: null,
      reporter_type: null,
    };
    expect(validate(row)).toBe(true);
    expect(validate({ ...row, triage_level: null })).toBe(false);
    expect(validate({ ...row, extra: 1 })).toBe(false);
    const { user_id: _id, ...camel } = row;
    expect(validate({ ...camel, userId: 'p1' })).toBe(false);
  });

  it('names only registered projections as the sources of an endpoint', () => {
    const registered = new Set(allProjections.map((p) => p.name));
    for (const [endpoint, names] of Object.entries(querySources)) {
      expect({ endpoint, unknown: names.filter((name) => !registered.has(name)) }).toEqual({ endpoint, unknown: [] });
    }
  });
});
