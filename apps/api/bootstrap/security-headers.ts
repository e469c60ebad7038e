import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmetMiddleware from 'helmet';

/**
 * Security headers on every response (SPEC §10), through @fastify/helmet: a strict Content
 * Security Policy (scripts and styles from this origin only, no framing, no plugins),
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, HSTS, and the rest of helmet's
 * defaults. `upgrade-insecure-requests` is left out: the API may be served over plain HTTP behind a
 * TLS proxy, or locally, and the /docs page must load its files from where it is.
 *
 * And `Cache-Control: no-store` on every response that does not set its own caching (the docs
 * page's static files do): patient data must not stay in browser or proxy caches.
 *
 * @example
 * await useSecurityHeaders(app); // before app.init()
 */
export async function useSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, HELMET_OPTIONS);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * Sets the same headers on a raw response, for the few answers Fastify sends outside any route
 * (URLs its router refuses, see url-errors.ts), where @fastify/helmet's hook does not run.
 */
export function setSecurityHeaders(request: IncomingMessage, response: ServerResponse): void {
  rawHelmet(request, response, () => undefined);
}

/** The options of both: helmet's defaults with the changes described above. */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'self'"],
      'upgrade-insecure-requests': null,
    },
  },
  referrerPolicy: { policy: 'no-referrer' as const },
};

const rawHelmet = helmetMiddleware(HELMET_OPTIONS);
