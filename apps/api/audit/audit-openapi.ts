import { ID_PATTERN } from '../../../libs/domain/shared/fields.js';
import { schemaRef, type JsonSchema } from '../openapi/json-schema.js';
import { problemResponses } from '../openapi/openapi-components.js';
import { bearerSecurity, type PathItem } from '../openapi/openapi-document.js';

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const position: JsonSchema = { type: 'string', pattern: '^[0-9]+$' };
const row: JsonSchema = { type: 'object', description: 'A read-table row as the table holds it (snake_case columns).' };
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const query = (name: string, description: string, schema: JsonSchema) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const limit = query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 500, default: 100 });

/** Component schemas of the audit endpoints. */
export const auditOpenApiSchemas: Record<string, JsonSchema> = {
  AuditEvent: {
    type: 'object',
    description: 'An event as the log holds it.',
    properties: {
      position: { ...position, description: 'Global log position (decimal string).' },
      streamId: { type: 'string' },
      revision: { type: 'string', pattern: '^[0-9]+$' },
      id: { type: 'string', format: 'uuid' },
      type: { type: 'string' },
      recordedAt: { type: 'string', format: 'date-time' },
      data: { type: 'object' },
      metadata: {
        type: 'object',
        description:
          '`actor { id, role }`, `correlationId`, `causationId`, `commandName`, `occurredAt`, `schemaVersion`.',
      },
      hash: nullable({ type: 'string', description: 'SHA-256 chained to the previous event of the stream.' }),
    },
    required: ['position', 'streamId', 'revision', 'id', 'type', 'recordedAt', 'data', 'metadata', 'hash'],
  },
  IntegrityReport: {
    type: 'object',
    properties: {
      clean: { type: 'boolean' },
      streams: { type: 'integer', minimum: 0 },
      events: { type: 'integer', minimum: 0 },
      problems: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            stream: { type: 'string' },
            revision: { type: 'string' },
            kind: { enum: ['altered', 'removed', 'reordered', 'unhashed'] },
            detail: { type: 'string' },
          },
          required: ['stream', 'revision', 'kind', 'detail'],
        },
      },
    },
    required: ['clean', 'streams', 'events', 'problems'],
  },
  AccessEntry: {
    type: 'object',
    description: 'One read of patient data.',
    properties: {
      id: { type: 'string', pattern: '^[0-9]+$' },
      at: { type: 'string', format: 'date-time' },
      keyId: { type: 'string' },
      role: { type: 'string' },
      method: { type: 'string' },
      endpoint: { type: 'string' },
      patientId: nullable({ type: 'string' }),
      status: { type: 'integer' },
    },
    required: ['id', 'at', 'keyId', 'role', 'method', 'endpoint', 'patientId', 'status'],
  },
  PatientAsOf: {
    type: 'object',
    properties: {
      patientId: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      statistics: nullable(row),
      timeline: { type: 'array', items: row },
      tracker: nullable(row),
    },
    required: ['patientId', 'at', 'statistics', 'timeline', 'tracker'],
  },
};

const page = (item: string): JsonSchema => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: schemaRef(item) },
    nextCursor: nullable({ type: 'string', description: 'Pass as `after` for the next page; null on the last.' }),
  },
  required: ['items', 'nextCursor'],
});

function operation(
  operationId: string,
  summary: string,
  schema: JsonSchema,
  parameters: unknown[],
  errors: Parameters<typeof problemResponses>,
) {
  return {
    get: {
      operationId,
      summary,
      tags: ['audit'],
      security: bearerSecurity,
      parameters,
      responses: { 200: { description: 'OK.', content: json(schema) }, ...problemResponses(...errors) },
    },
  };
}

/** `/audit/…` (SPEC §7), role auditor. */
export const auditOpenApiPaths: Record<string, PathItem> = {
  '/audit/streams/{streamId}': operation(
    'getAuditStream',
    'Every event of one stream with its metadata and hash, in order',
    {
      type: 'object',
      properties: { streamId: { type: 'string' }, events: { type: 'array', items: schemaRef('AuditEvent') } },
      required: ['streamId', 'events'],
    },
    [
      {
        name: 'streamId',
        in: 'path',
        required: true,
        description: 'e.g. `patient-p1`.',
        schema: { type: 'string', maxLength: 200 },
      },
    ],
    [401, 403, 404, 503],
  ),
  '/audit/events': operation(
    'listAuditEvents',
    'The global log filtered by type, actor and recording time, paged by position (a page may be short and still have a next one)',
    page('AuditEvent'),
    [
      query('type', 'Comma-separated event types.', { type: 'string', maxLength: 2000 }),
      query('actor', 'The actor’s key id (`metadata.actor.id`).', { type: 'string', maxLength: 200 }),
      query('from', 'Recorded at or after (ISO-8601 with offset).', { type: 'string', format: 'date-time' }),
      query('to', 'Recorded at or before.', { type: 'string', format: 'date-time' }),
      query('after', 'The `nextCursor` of the previous page.', position),
      limit,
    ],
    [400, 401, 403, 503],
  ),
  '/audit/patients/{id}/as-of': operation(
    'getPatientAsOf',
    'The patient’s statistics, timeline and tracker row as the history stood at `at`',
    schemaRef('PatientAsOf'),
    [
      { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: ID_PATTERN.source } },
      {
        name: 'at',
        in: 'query',
        required: true,
        description: 'ISO-8601 time with offset.',
        schema: { type: 'string', format: 'date-time' },
      },
    ],
    [400, 401, 403, 404, 503],
  ),
  '/audit/integrity': operation(
    'checkIntegrity',
    'Walks every stream’s hash chain: altered, removed or reordered events',
    schemaRef('IntegrityReport'),
    [],
    [401, 403, 503],
  ),
  '/audit/access': operation(
    'listAccess',
    'Who read which patient’s data, oldest first',
    page('AccessEntry'),
    [
      query('patientId', 'Only reads of this patient.', { type: 'string', pattern: ID_PATTERN.source }),
      query('after', 'The `nextCursor` of the previous page.', { type: 'string', pattern: '^[0-9]{1,19}$' }),
      limit,
    ],
    [400, 401, 403, 503],
  ),
};
