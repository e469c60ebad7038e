/** The query side of the API (SPEC §5): controllers over the read tables, and their OpenAPI paths. */
export { QueriesModule } from './queries.module.js';
export { queryOpenApiPaths, queryOpenApiSchemas } from './query-openapi.js';
export { querySources, type ProjectionName } from './query-sources.js';
