import type { FastifyInstance } from 'fastify';
import { isCommandName } from '../../../libs/domain/commands.js';
import type { AppMetrics } from './app-metrics.js';

/** The route label of a request that matched no route (one series, not one per URL tried). */
export const UNMATCHED_ROUTE = 'unmatched';
/** The command label of `POST /commands/{name}` with a name that is no command. */
export const UNKNOWN_COMMAND = 'unknown';

const COMMAND_ROUTE = '/commands/:name';

/**
 * Times every response into `caretrack_http_request_duration_seconds` by route template
 * (`/patients/:id`, never the raw URL), and for `POST /commands/{name}` also counts the command
 * by name and outcome (its HTTP status, e.g. `201`, `409`), its duration, and whether it was an
 * idempotent replay (`Idempotent-Replayed: true`). An `onResponse` hook sees the final status,
 * whichever layer answered (guard, validation, handler, exception filter).
 *
 * @example installHttpMetrics(app.getHttpAdapter().getInstance(), metrics);
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: AppMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = String(reply.statusCode);
    metrics.httpDuration.observe({ method: request.method, route, status_code: status }, seconds);
    if (route === COMMAND_ROUTE && request.method === 'POST') {
      const name = (request.params as { name?: string }).name ?? '';
      const command = isCommandName(name) ? name : UNKNOWN_COMMAND;
      metrics.commands.inc({ command, outcome: status });
      metrics.commandDuration.observe({ command, outcome: status }, seconds);
      if (reply.getHeader('idempotent-replayed') === 'true') metrics.idempotentReplays.inc({ command });
    }
    done();
  });
}
