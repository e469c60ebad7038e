import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { toProblem } from './problem.js';
import { describeFault } from '../../../libs/projection-engine/fault.js';

/** Seconds a client should wait before retrying a 503 (a store or projection catching up). */
export const RETRY_AFTER_SECONDS = 2;

/** The one place where errors become HTTP responses (application/problem+json). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, internal } = toProblem(error);
    if (internal)
      this.logger.error({ err: loggable(error), method: request.method, url: request.url }, 'request failed');
    if (problem.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }
}

/**
 * An internal error as it may be logged: a database error as class and SQLSTATE (its message and
 * detail can quote a row's values, personal fields included: SPEC §9), other errors as class and
 * message; the stack without its first line (which repeats the message).
 */
function loggable(error: unknown): { type: string; stack?: string } {
  const stack = error instanceof Error ? error.stack?.split('\n').slice(1).join('\n') : undefined;
  return { type: describeFault(error), ...(stack ? { stack } : {}) };
}
