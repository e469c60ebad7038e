import { schemaRef, type JsonSchema } from '../openapi/json-schema.js';
import { problemResponses } from '../openapi/openapi-components.js';
import { bearerSecurity, type PathItem } from '../openapi/openapi-document.js';
import { PROJECTION_STATUSES } from '../metrics/app-metrics.js';

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const position: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]+$',
  description: 'A log position as a decimal string.',
};
const REBUILD_STATES = ['building', 'verifying', 'swapping', 'swapped', 'failed', 'rolled_back', 'abandoned'];

const rowDifference: JsonSchema = {
  type: 'object',
  description:
    'One differing row: its primary key, and the columns that differ from the other side’s row of that key (null: no such row there).',
  properties: {
    key: { type: 'object', description: 'The primary-key columns and their values.' },
    columns: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
  },
  required: ['key', 'columns'],
};

const tableDifference: JsonSchema = {
  type: 'object',
  description:
    'Rows of one table present on one side only (compared as whole rows), named by key and differing columns, never by value (SPEC §9).',
  properties: {
    table: { type: 'string' },
    onlyLeft: {
      type: 'integer',
      minimum: 0,
      description: 'Rows only in the live table (verify) or the shadow (rebuild).',
    },
    onlyRight: { type: 'integer', minimum: 0, description: 'Rows only in the replay.' },
    examplesLeft: { type: 'array', items: schemaRef('RowDifference'), description: 'Up to 20 such rows.' },
    examplesRight: { type: 'array', items: schemaRef('RowDifference') },
  },
  required: ['table', 'onlyLeft', 'onlyRight', 'examplesLeft', 'examplesRight'],
};

/** Component schemas of the admin endpoints. */
export const adminOpenApiSchemas: Record<string, JsonSchema> = {
  ProjectionHealth: {
    type: 'object',
    properties: {
      name: { type: 'string', examples: ['patient_statistics'] },
      status: { enum: [...PROJECTION_STATUSES] },
      position: nullable(position),
      lag: { type: 'integer', minimum: 0, description: 'Events of its types beyond its checkpoint.' },
      lagSeconds: {
        type: 'number',
        minimum: 0,
        description: 'Age of the oldest event it has not applied; 0 when caught up.',
      },
      secondsSinceProgress: nullable({ type: 'number', minimum: 0, description: 'Since its checkpoint last moved.' }),
      fingerprint: { type: 'string', description: 'The running code’s fingerprint.' },
      builtWith: { type: 'string', description: 'The fingerprint its live rows were built with.' },
      stale: { type: 'boolean' },
      owner: nullable({ type: 'string', description: 'The instance holding its lease.' }),
      lastError: nullable({
        type: 'object',
        properties: {
          eventId: nullable({ type: 'string' }),
          message: { type: 'string' },
          at: nullable({ type: 'string', format: 'date-time' }),
        },
        required: ['eventId', 'message', 'at'],
      }),
      rebuild: nullable({
        type: 'object',
        properties: { state: { enum: REBUILD_STATES }, ratio: { type: 'number', minimum: 0, maximum: 1 } },
        required: ['state', 'ratio'],
      }),
    },
    required: [
      'name',
      'status',
      'position',
      'lag',
      'lagSeconds',
      'secondsSinceProgress',
      'fingerprint',
      'builtWith',
      'stale',
      'owner',
      'lastError',
      'rebuild',
    ],
  },
  RowDifference: rowDifference,
  TableDifference: tableDifference,
  RebuildProgress: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      state: { enum: REBUILD_STATES, description: '`abandoned`: its process stopped sending heartbeats.' },
      processed: { type: 'integer', minimum: 0 },
      total: { type: 'integer', minimum: 0 },
      eventsPerSecond: nullable({ type: 'number' }),
      etaSeconds: nullable({ type: 'number' }),
      startedAt: { type: 'string', format: 'date-time' },
      finishedAt: nullable({ type: 'string', format: 'date-time' }),
      position: nullable(position),
      differences: {
        description: 'When verification failed: the differing rows (TableDifference[]).',
        anyOf: [{ type: 'array', items: schemaRef('TableDifference') }, { type: 'null' }],
      },
      error: nullable({ type: 'string' }),
    },
    required: [
      'name',
      'state',
      'processed',
      'total',
      'eventsPerSecond',
      'etaSeconds',
      'startedAt',
      'finishedAt',
      'position',
      'differences',
      'error',
    ],
  },
  VerifyReport: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      position: nullable(position),
      matches: { type: 'boolean' },
      differences: { type: 'array', items: schemaRef('TableDifference') },
    },
    required: ['name', 'position', 'matches', 'differences'],
  },
  RollbackResult: {
    type: 'object',
    properties: { name: { type: 'string' }, position: nullable(position), fingerprint: { type: 'string' } },
    required: ['name', 'position', 'fingerprint'],
  },
};

const nameParameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The projection’s name (GET /admin/projections).',
  schema: { type: 'string' },
};
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

function operation(
  operationId: string,
  summary: string,
  status: number,
  description: string,
  schema: JsonSchema,
  errors: Parameters<typeof problemResponses>,
  withName = true,
) {
  return {
    operationId,
    summary,
    tags: ['admin'],
    security: bearerSecurity,
    ...(withName ? { parameters: [nameParameter] } : {}),
    responses: { [status]: { description, content: json(schema) }, ...problemResponses(...errors) },
  };
}

/** `/admin/projections…` (SPEC §6), role admin. */
export const adminOpenApiPaths: Record<string, PathItem> = {
  '/admin/projections': {
    get: operation(
      'listProjections',
      'Every projection’s status, position, lag (events and seconds), fingerprint, last error and latest rebuild',
      200,
      'OK.',
      {
        type: 'object',
        properties: { projections: { type: 'array', items: schemaRef('ProjectionHealth') } },
        required: ['projections'],
      },
      [401, 403, 503],
      false,
    ),
  },
  '/admin/projections/{name}/rebuild': {
    post: operation(
      'rebuildProjection',
      'Starts a zero-downtime rebuild (poll GET for progress)',
      202,
      'Started.',
      schemaRef('RebuildProgress'),
      [401, 403, 404, 409, 503],
    ),
    get: operation(
      'getRebuildProgress',
      'Progress of the latest rebuild: processed, total, events/s, ETA',
      200,
      'OK.',
      schemaRef('RebuildProgress'),
      [401, 403, 404, 503],
    ),
  },
  '/admin/projections/{name}/verify': {
    post: operation(
      'verifyProjection',
      'Replays the history and reports every row that differs from the live table; changes nothing',
      200,
      'The comparison.',
      schemaRef('VerifyReport'),
      [401, 403, 404, 503],
    ),
  },
  '/admin/projections/{name}/rollback': {
    post: operation(
      'rollbackProjection',
      'Swaps the previous tables back in',
      200,
      'Rolled back.',
      schemaRef('RollbackResult'),
      [401, 403, 404, 409, 503],
    ),
  },
};
