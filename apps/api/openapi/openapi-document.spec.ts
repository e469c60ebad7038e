import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { commandNames, commandRegistry } from '../../../libs/domain/commands.js';
import { consultationTypes } from '../../../libs/domain/consultation/consultation.commands.js';
import { buildOpenApiDocument, withPaths, type OpenApiDocument } from './openapi-document.js';

const document = buildOpenApiDocument();

/** Follows a local `$ref` (`#/components/schemas/X`) in the document; undefined when it does not resolve. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      root,
    );
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
  enum?: unknown[];
  maxLength?: number;
  pattern?: string;
  anyOf?: Schema[];
};

function requestSchemaOf(doc: OpenApiDocument, name: string): Schema {
  const post = doc.paths[`/commands/${name}`]?.post as {
    requestBody: { content: Record<string, { schema: { $ref: string } }> };
  };
  return resolvePointer(doc, post.requestBody.content['application/json']?.schema.$ref ?? '') as Schema;
}

/** The fields zod reports missing for an empty body: what the server requires, found without JSON Schema. */
function zodRequiredFields(schema: z.ZodType): string[] {
  const result = schema.safeParse({});
  const issues = result.success ? [] : result.error.issues;
  return issues
    .filter((issue) => issue.code !== 'custom' && issue.path.length === 1)
    .map((issue) => String(issue.path[0]));
}

describe('buildOpenApiDocument', () => {
  it('documents POST /commands/{Name} for every command of the registry', () => {
    expect(commandNames.length).toBeGreaterThanOrEqual(17);
    for (const name of commandNames) {
      const post = document.paths[`/commands/${name}`]?.post as Record<string, unknown> | undefined;
      expect(post).toMatchObject({ operationId: name, security: [{ bearer: [] }] });
    }
  });

  it('makes every command schema reject unknown fields and require what zod requires', () => {
    for (const name of commandNames) {
      const schema = requestSchemaOf(document, name);
      expect({ name, additionalProperties: schema.additionalProperties }).toEqual({
        name,
        additionalProperties: false,
      });
      expect({ name, required: [...(schema.required ?? [])].sort() }).toEqual({
        name,
        required: zodRequiredFields(commandRegistry[name].schema).sort(),
      });
    }
  });

  it('requires the five fields of RecordConsultation and lists its consultation types', () => {
    const schema = requestSchemaOf(document, 'RecordConsultation');
    expect(schema.required).toEqual([
      'consultationId',
      'patientId',
      'doctorId',
      'consultationType',
      'consultationDate',
    ]);
    expect(schema.properties?.consultationType?.enum).toEqual([...consultationTypes]);
    expect(schema.properties?.status?.enum).toEqual(['scheduled', 'completed']);
  });

  it('shows the maximum length of names, free text and URIs', () => {
    expect(requestSchemaOf(document, 'RegisterPatient').properties?.firstName?.maxLength).toBe(200);
    expect(requestSchemaOf(document, 'RecordConsultation').properties?.notes?.maxLength).toBe(10_000);
    expect(requestSchemaOf(document, 'UploadScan').properties?.fileUri?.maxLength).toBe(2_000);
  });

  it('bounds every string field of every command by a maximum length, a pattern or an enum', () => {
    const unbounded = (schema: Schema): boolean =>
      schema.anyOf
        ? schema.anyOf.some(unbounded)
        : schema.type === 'string' &&
          schema.maxLength === undefined &&
          schema.pattern === undefined &&
          schema.enum === undefined;
    for (const name of commandNames) {
      const fields = Object.entries(requestSchemaOf(document, name).properties ?? {});
      expect({ name, unbounded: fields.filter(([, field]) => unbounded(field)).map(([field]) => field) }).toEqual({
        name,
        unbounded: [],
      });
    }
  });

  it('is an OpenAPI 3.1 document whose every $ref resolves', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'caretrack', version: expect.any(String) } });
    expect(document.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(commandNames.length);
    expect(refs.filter((ref) => resolvePointer(document, ref) === undefined)).toEqual([]);
  });

  it('gives every operation a unique id and a response, errors as problem+json', () => {
    const operations = Object.values(document.paths).flatMap(
      (item) => Object.values(item) as { operationId: string; responses: Record<string, unknown> }[],
    );
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['health', 'ready']));
    for (const operation of operations) expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
    const conflict = resolvePointer(document, '#/components/responses/Conflict') as {
      content: Record<string, unknown>;
    };
    expect(Object.keys(conflict.content)).toEqual(['application/problem+json']);
    const post = document.paths['/commands/AssignDoctor']?.post as { responses: Record<string, unknown> };
    expect(Object.keys(post.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '503',
    ]);
  });

  it('has component schemas that are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect({ name, valid: ajv.validateSchema(schema) }).toEqual({ name, valid: true });
    }
  });

  describe('agrees with the zod schemas on bodies', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'https://caretrack.test/openapi.json', components: document.components });
    const validatorOf = (name: string) =>
      ajv.compile({ $ref: `https://caretrack.test/openapi.json#/components/schemas/${name}` });
    const cases: [name: string, body: unknown, valid: boolean][] = [
      [
        'RecordConsultation',
        {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'telemedicine',
          consultationDate: '2025-03-01',
        },
        true,
      ],
      [
        'RecordConsultation',
        {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'telemedicine',
          consultationDate: '2025-03-01T10:00:00+01:00',
        },
        true,
      ],
      [
        'RecordConsultation',
        {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'video',
          consultationDate: '2025-03-01',
        },
        false,
      ],
      [
        'RecordConsultation',
        {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'telemedicine',
          consultationDate: '2025-03-01',
          colour: 'red',
        },
        false,
      ],
      [
        'RecordConsultation',
        { consultationId: 'c1', patientId: 'p1', doctorId: 'd1', consultationType: 'telemedicine' },
        false,
      ],
      [
        'RecordConsultation',
        {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'telemedicine',
          consultationDate: '2023-02-29',
        },
        false,
      ],
      ['RegisterPatient', { patientId: 'p1', firstName: 'Ada', lastName: 'L' }, true],
      ['RegisterPatient', { patientId: 'p1', firstName: 'A'.repeat(201), lastName: 'L' }, false],
      ['RegisterPatient', { patientId: '-p1', firstName: 'Ada', lastName: 'L' }, false],
      ['LogSymptom', { patientId: 'p1', symptomId: 'headache', severity: 7, loggedAt: '2025-03-01T10:00:00Z' }, false],
      ['LogSymptom', { patientId: 'p1', symptomId: 'headache', severity: 3, loggedAt: '2025-03-01T10:00:00Z' }, true],
      [
        'StartSession',
        {
          sessionId: 's1',
          playerId: 'p1',
          sessionType: 'match',
          startTime: '2025-03-01T10:00:00Z',
          metadata: { a: [1, { b: null }] },
        },
        true,
      ],
      ['CompleteSession', { sessionId: 's1', endTime: '2025-03-01T11:00:00Z', kpis: { pass_accuracy: 101 } }, false],
      [
        'CompleteSession',
        { sessionId: 's1', endTime: '2025-03-01T11:00:00Z', kpis: { speed_zones: { z1: 30 } } },
        true,
      ],
    ];
    it.each(cases)('%s %j valid: %s', (name, body, valid) => {
      expect(commandRegistry[name as keyof typeof commandRegistry].schema.safeParse(body).success).toBe(valid);
      expect(validatorOf(name)(body)).toBe(valid);
    });
  });
});

describe('withPaths', () => {
  it('adds paths and schemas for other endpoints', () => {
    const extended = buildOpenApiDocument({
      extraPaths: {
        '/patients/{id}': { get: { operationId: 'getPatient', responses: { 200: { description: 'ok' } } } },
      },
      extraSchemas: { Patient: { type: 'object' } },
    });
    expect(extended.paths['/patients/{id}']).toBeDefined();
    expect(extended.components.schemas.Patient).toEqual({ type: 'object' });
    expect(Object.keys(extended.paths)).toEqual(expect.arrayContaining(Object.keys(document.paths)));
  });

  it('refuses to document a path or a schema twice', () => {
    expect(() => withPaths(document, { '/health': {} })).toThrow('/health');
    expect(() => withPaths(document, {}, { Problem: {} })).toThrow('Problem');
  });
});
