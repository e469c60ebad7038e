import { auditOpenApiPaths, auditOpenApiSchemas } from '../audit/audit-openapi.js';
import { authOpenApiPaths } from '../auth/auth-openapi.js';
import { consoleOpenApiPaths } from '../console/console-openapi.js';
import { metricsOpenApiPaths } from '../metrics/metrics-openapi.js';
import { adminOpenApiPaths, adminOpenApiSchemas } from '../read-models/admin-openapi.js';
import { queryOpenApiPaths, queryOpenApiSchemas } from '../queries/index.js';
import type { OpenApiOptions } from './openapi-document.js';

/**
 * Every endpoint beside the commands, health and docs (which `buildOpenApiDocument` has itself):
 * queries, admin, audit, metrics, whoami and the console. `test/http/openapi-complete.test.ts`
 * checks that every route the app registers is documented.
 *
 * @example OpenApiModule.forRoot(apiOpenApiOptions)
 */
export const apiOpenApiOptions: OpenApiOptions = {
  extraPaths: {
    ...queryOpenApiPaths,
    ...adminOpenApiPaths,
    ...auditOpenApiPaths,
    ...metricsOpenApiPaths,
    ...authOpenApiPaths,
    ...consoleOpenApiPaths,
  },
  extraSchemas: { ...queryOpenApiSchemas, ...adminOpenApiSchemas, ...auditOpenApiSchemas },
};
