import { problemResponses } from '../openapi/openapi-components.js';
import { bearerSecurity, type PathItem } from '../openapi/openapi-document.js';

/** `GET /metrics` (SPEC §10). */
export const metricsOpenApiPaths: Record<string, PathItem> = {
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics (role metrics or admin)',
      description:
        'The Prometheus text exposition format 0.0.4: projections, commands, appends, authentication, HTTP and Node process metrics. The names are listed in the README.',
      tags: ['operations'],
      security: bearerSecurity,
      responses: {
        200: {
          description: 'The metrics.',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
        },
        ...problemResponses(401, 403, 503),
      },
    },
  },
};
