import { problemResponses } from '../openapi/openapi-components.js';
import type { PathItem } from '../openapi/openapi-document.js';

const csp = {
  'Content-Security-Policy': {
    description: 'The console’s strict policy: self only, no inline script or style.',
    schema: { type: 'string' },
  },
};

/** `/console` and its files (SPEC §10). */
export const consoleOpenApiPaths: Record<string, PathItem> = {
  '/console': {
    get: {
      operationId: 'consolePage',
      summary: 'The admin and audit console (a web page; it asks for a key and calls this API)',
      tags: ['operations'],
      security: [],
      responses: {
        200: { description: 'The page.', headers: csp, content: { 'text/html': { schema: { type: 'string' } } } },
        ...problemResponses(404),
      },
    },
  },
  '/console/{file}': {
    get: {
      operationId: 'consoleFile',
      summary: 'A script or stylesheet of the console',
      tags: ['operations'],
      security: [],
      parameters: [
        {
          name: 'file',
          in: 'path',
          required: true,
          description: 'e.g. `app.js`, `console.css`.',
          schema: { type: 'string', pattern: '^[a-z-]+\\.(js|css|html|svg)$' },
        },
      ],
      responses: {
        200: {
          description: 'The file.',
          headers: csp,
          content: {
            'text/javascript': { schema: { type: 'string' } },
            'text/css': { schema: { type: 'string' } },
            'image/svg+xml': { schema: { type: 'string' } },
          },
        },
        ...problemResponses(404),
      },
    },
  },
};
