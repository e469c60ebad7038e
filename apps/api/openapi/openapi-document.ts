import { commandNames, commandRegistry, type CommandName } from '../../../libs/domain/commands.js';
import { schemaRef, zodToComponentSchemas, type JsonSchema } from './json-schema.js';
import { problemResponses, sharedComponents } from './openapi-components.js';

/** An OpenAPI object we do not model field by field (operation, response, parameter…). */
export type OpenApiObject = { [field: string]: unknown };

/** A path item: operations keyed by HTTP method (`get`, `post`, …). */
export type PathItem = { [methodOrField: string]: unknown };

/** An OpenAPI 3.1 document. */
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiObject>;
    parameters: Record<string, OpenApiObject>;
    headers: Record<string, OpenApiObject>;
    securitySchemes: Record<string, OpenApiObject>;
  };
};

export type OpenApiOptions = {
  /** `info.version` (default `0.1.0`, the package's version) */
  version?: string;
  /** more paths (queries, admin, audit); a path already documented is an error */
  extraPaths?: Record<string, PathItem>;
  /** more component schemas for those paths; a name already taken is an error */
  extraSchemas?: Record<string, JsonSchema>;
};

/** Bearer authentication, as an operation's `security`. */
export const bearerSecurity = [{ bearer: [] }];

const DEFAULT_VERSION = '0.1.0';

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate
 * each command (`commandRegistry`): one `POST /commands/{Name}` per command, plus health.
 *
 * @example
 * const document = buildOpenApiDocument({
 *   extraPaths: { '/patients/{id}': { get: { security: bearerSecurity, responses: { … } } } },
 * });
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const base: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'caretrack',
      version: options.version ?? DEFAULT_VERSION,
      description:
        'Event-sourced backend of a sports-medicine platform: commands append events; projections build read tables.',
    },
    tags: [
      { name: 'commands', description: 'Every change is a command that emits events.' },
      { name: 'health', description: 'Liveness and readiness.' },
      { name: 'queries', description: 'The read tables (SPEC §5).' },
      { name: 'admin', description: 'Projections: status, rebuild, verify, rollback (SPEC §6).' },
      { name: 'audit', description: 'History, as-of, integrity and the access record (SPEC §7).' },
      { name: 'operations', description: 'Metrics, the console, and who a key is (SPEC §10).' },
      { name: 'docs', description: 'This document and a page to read it.' },
    ],
    paths: { ...healthPaths(), ...docsPaths() },
    components: sharedComponents(),
  };
  const commands = commandNames.map((name) => ({
    path: { [`/commands/${name}`]: commandPath(name) },
    schemas: zodToComponentSchemas(name, commandRegistry[name].schema),
  }));
  const withCommands = commands.reduce((document, command) => withPaths(document, command.path, command.schemas), base);
  return withPaths(withCommands, options.extraPaths ?? {}, options.extraSchemas ?? {});
}

/**
 * A copy of `document` with more paths and component schemas. Throws on a path or schema
 * name that is already there, so nothing is silently replaced.
 *
 * @example withPaths(document, { '/admin/projections': { get: { … } } })
 */
export function withPaths(
  document: OpenApiDocument,
  paths: Record<string, PathItem>,
  schemas: Record<string, JsonSchema> = {},
): OpenApiDocument {
  const takenPath = Object.keys(paths).find((path) => Object.hasOwn(document.paths, path));
  if (takenPath) throw new Error(`OpenAPI path ${takenPath} is documented twice`);
  const takenSchema = Object.keys(schemas).find((name) => Object.hasOwn(document.components.schemas, name));
  if (takenSchema) throw new Error(`OpenAPI schema ${takenSchema} is defined twice`);
  return {
    ...document,
    paths: { ...document.paths, ...paths },
    components: { ...document.components, schemas: { ...document.components.schemas, ...schemas } },
  };
}

function commandPath(name: CommandName): PathItem {
  return {
    post: {
      operationId: name,
      summary: name,
      description:
        `Sends the ${name} command. The body is validated by the same schema as shown here; ` +
        'cross-field rules that JSON Schema cannot express are also checked and answered with 400.',
      tags: ['commands'],
      security: bearerSecurity,
      parameters: [
        { $ref: '#/components/parameters/IdempotencyKey' },
        { $ref: '#/components/parameters/IfMatch' },
        { $ref: '#/components/parameters/CorrelationId' },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef(name) } } },
      responses: {
        201: {
          description: 'Accepted: the events were appended.',
          headers: { 'X-Correlation-Id': { $ref: '#/components/headers/CorrelationId' } },
          content: { 'application/json': { schema: schemaRef('CommandAccepted') } },
        },
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
      },
    },
  };
}

function docsPaths(): Record<string, PathItem> {
  const file = (operationId: string, summary: string, type: string): PathItem => ({
    get: {
      operationId,
      summary,
      tags: ['docs'],
      security: [],
      responses: {
        200: { description: 'The file.', content: { [type]: { schema: { type: 'string' } } } },
        ...problemResponses(404),
      },
    },
  });
  return {
    '/docs': file(
      'docsPage',
      'Swagger UI on this document (a plain list of operations when Swagger UI is not installed)',
      'text/html',
    ),
    '/docs/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI 3.1 document',
        tags: ['docs'],
        security: [],
        responses: {
          200: { description: 'The document.', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/docs/swagger-ui.css': file('swaggerUiCss', 'Swagger UI’s stylesheet', 'text/css'),
    '/docs/swagger-ui-bundle.js': file('swaggerUiBundle', 'Swagger UI’s script', 'text/javascript'),
    '/docs/swagger-initializer.js': file(
      'swaggerUiInitializer',
      'Starts Swagger UI on this document',
      'text/javascript',
    ),
  };
}

function healthPaths(): Record<string, PathItem> {
  const status = (properties: Record<string, JsonSchema>): JsonSchema => ({
    type: 'object',
    properties,
    required: Object.keys(properties),
  });
  return {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'The process is alive',
        tags: ['health'],
        security: [],
        responses: {
          200: {
            description: 'Alive.',
            content: { 'application/json': { schema: status({ status: { const: 'ok' } }) } },
          },
        },
      },
    },
    '/ready': {
      get: {
        operationId: 'ready',
        summary: 'Every store answers',
        tags: ['health'],
        security: [],
        responses: {
          200: {
            description: 'Ready: the event store and the read tables answer.',
            content: {
              'application/json': {
                schema: status({ status: { const: 'ready' }, eventStore: { const: 'up' }, readStore: { const: 'up' } }),
              },
            },
          },
          ...problemResponses(503),
        },
      },
    },
  };
}
