import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

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
  await app.register(helmet, {
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
    referrerPolicy: { policy: 'no-referrer' },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
