import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RETRY_AFTER_SECONDS } from '../errors/problem.filter.js';
import type { Problem } from '../errors/problem.js';

const SHUTTING_DOWN: Problem = {
  type: 'https://caretrack.dev/problems/shutting_down',
  title: 'Service Unavailable',
  status: 503,
  detail: 'this instance is shutting down; retry (another instance, or this one once restarted)',
  code: 'shutting_down',
};

/**
 * The HTTP side of a graceful stop (SPEC §10, SIGTERM). Once {@link HttpDrain.drain} is called:
 * 1. no new work is accepted: every request that arrives gets 503 problem+json `shutting_down`
 *    with `Retry-After` and `Connection: close` at once (a load balancer sees /ready fail too);
 * 2. requests already running finish normally;
 * 3. then the server stops listening and closes the connections left (all idle by then), rather
 *    than waiting for their keep-alive to time out.
 * The listener stays open during step 2 so that late clients get that problem answer instead of
 * a reset connection (closing a server resets the idle keep-alive connections it still has).
 *
 * Install before `app.init()`; Fastify must be created with `return503OnClosing: false` so its
 * own plain-JSON 503 does not answer first.
 */
export class HttpDrain {
  private draining = false;
  private running = 0;
  private settled: (() => void) | null = null;

  constructor(private readonly app: NestFastifyApplication) {
    const fastify = app.getHttpAdapter().getInstance();
    const counted = new WeakSet<object>();
    const finished = (raw: object) => {
      if (!counted.delete(raw)) return;
      this.running--;
      if (this.running === 0) this.settled?.();
    };
    fastify.addHook('onRequest', async (request, reply) => {
      if (this.draining) {
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .header('connection', 'close')
          .type('application/problem+json')
          .send(SHUTTING_DOWN);
      }
      this.running++;
      counted.add(request.raw);
    });
    fastify.addHook('onResponse', async (request) => finished(request.raw));
    fastify.addHook('onRequestAbort', async (request) => finished(request.raw));
  }

  /** Requests being served now (tests). */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Refuses new requests, waits for the running ones, then closes the HTTP server (Nest's
   * `app.close()`, which also runs Nest's shutdown hooks) and its remaining, idle, connections.
   */
  async drain(): Promise<void> {
    this.draining = true;
    await new Promise<void>((resolve) => {
      this.settled = resolve;
      if (this.running === 0) resolve();
    });
    const server = this.app.getHttpServer();
    const closed = this.app.close();
    server.closeIdleConnections();
    await closed;
  }
}
