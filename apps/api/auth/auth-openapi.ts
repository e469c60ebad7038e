import { ROLES } from './roles.js';
import { problemResponses } from '../openapi/openapi-components.js';
import { bearerSecurity, type PathItem } from '../openapi/openapi-document.js';

/** `GET /whoami`. */
export const authOpenApiPaths: Record<string, PathItem> = {
  '/whoami': {
    get: {
      operationId: 'whoami',
      summary: 'The id and role of the presented key (any role)',
      tags: ['operations'],
      security: bearerSecurity,
      responses: {
        200: {
          description: 'The key’s principal.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  keyId: {
                    type: 'string',
                    pattern: '^[0-9a-f]{12}$',
                    description: 'First 12 hex characters of the key’s SHA-256: the actor id in events.',
                  },
                  role: { enum: [...ROLES] },
                },
                required: ['keyId', 'role'],
                additionalProperties: false,
              },
            },
          },
        },
        ...problemResponses(401),
      },
    },
  },
};
