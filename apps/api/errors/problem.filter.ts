import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { toProblem } from './problem.js';

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
    if (internal) this.logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    if (problem.status === 503) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }
}
