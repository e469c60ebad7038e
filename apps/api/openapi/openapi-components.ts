import type { JsonSchema } from './json-schema.js';

/** The statuses a problem+json response may have, with their component names (SPEC §2). */
export const problemStatuses = {
  400: { name: 'BadRequest', description: 'Validation failed: every bad field is listed in `errors` with its path.' },
  401: { name: 'Unauthorized', description: 'No Bearer key, or an unknown one.' },
  403: { name: 'Forbidden', description: 'The key’s role may not call this endpoint.' },
  404: { name: 'NotFound', description: 'An aggregate the request needs does not exist.' },
  409: {
    name: 'Conflict',
    description: 'A conflict or business rule, or an `If-Match` revision that is not the stream’s.',
  },
  413: { name: 'ContentTooLarge', description: 'The request body is too large.' },
  415: { name: 'UnsupportedMediaType', description: 'The body is not `application/json`.' },
  422: { name: 'UnprocessableContent', description: 'The `Idempotency-Key` was used with another body.' },
  503: { name: 'ServiceUnavailable', description: 'A store is unreachable; nothing was appended.' },
} as const;

export type ProblemStatus = keyof typeof problemStatuses;

/**
 * The `responses` entries of an operation for the given error statuses, as `$ref`s.
 *
 * @example responses: { 200: { … }, ...problemResponses(400, 401, 403, 503) }
 */
export function problemResponses(...statuses: ProblemStatus[]): Record<string, { $ref: string }> {
  return Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: `#/components/responses/${problemStatuses[status].name}` }]),
  );
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details. No stack trace, SQL or internal message is ever included.',
  properties: {
    type: { type: 'string', format: 'uri-reference', examples: ['https://caretrack.dev/problems/validation_failed'] },
    title: { type: 'string', examples: ['Bad Request'] },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    code: { type: 'string', description: 'A stable machine-readable code.', examples: ['validation_failed'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Dotted path of the field (`kpis.pass_accuracy`).' },
          message: { type: 'string' },
        },
        required: ['path', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
};

const commandAcceptedSchema: JsonSchema = {
  type: 'object',
  properties: {
    streamId: { type: 'string', examples: ['consultation-c-1'] },
    nextExpectedRevision: {
      description: 'The stream’s revision after the append: send it as `If-Match` on the next command.',
      oneOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: '^[0-9]+$' },
      ],
    },
    position: {
      type: 'string',
      pattern: '^[0-9]+$',
      description:
        'Global log position as a decimal string (it may exceed 2^53); send it as `X-Min-Position` to read your writes.',
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          type: { type: 'string', examples: ['ConsultationRecorded'] },
        },
        required: ['id', 'type'],
      },
    },
  },
  required: ['streamId', 'nextExpectedRevision', 'position', 'events'],
};

/** The components every caretrack document holds, whatever paths it has. */
export function sharedComponents() {
  return {
    schemas: { Problem: problemSchema, CommandAccepted: commandAcceptedSchema },
    responses: Object.fromEntries(
      Object.values(problemStatuses).map(({ name, description }) => [
        name,
        { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      ]),
    ),
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Same key and same body within 24 h returns the first result and appends nothing; same key with another body is 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
      IfMatch: {
        name: 'If-Match',
        in: 'header',
        required: false,
        description:
          'The stream revision the client expects (`nextExpectedRevision` of an earlier response); a mismatch is 409.',
        schema: { type: 'integer', minimum: 0 },
      },
      CorrelationId: {
        name: 'X-Correlation-Id',
        in: 'header',
        required: false,
        description: 'Carried into the events’ metadata and echoed in the response; generated when absent.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
    },
    headers: {
      CorrelationId: { description: 'The request’s correlation id.', schema: { type: 'string' } },
    },
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' },
    },
  };
}
