import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ProblemFilter } from '../errors/problem.filter.js';
import { toProblem } from '../errors/problem.js';
import { NestPinoLogger } from '../logging/logger.js';
import { openInfrastructure, type Infrastructure } from './infrastructure.js';

/** The largest request body accepted; larger ones get 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

export type RunningApp = { app: NestFastifyApplication; infrastructure: Infrastructure };

/**
 * Builds the whole service from its configuration: stores, then the Nest app. The caller
 * listens (main.ts) or injects requests (tests).
 *
 * @example
 * const { app } = await createApp(loadConfig(process.env), createLogger(config));
 * await app.listen({ port: config.port, host: '0.0.0.0' });
 */
export async function createApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const infrastructure = await openInfrastructure(config, logger);
  try {
    const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, genReqId: () => crypto.randomUUID() });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, infrastructure, logger }), adapter, {
      logger: new NestPinoLogger(logger),
      abortOnError: false,
    });
    app.useGlobalFilters(new ProblemFilter(logger));
    const fastify = app.getHttpAdapter().getInstance();
    // Errors raised by Fastify before a route runs (body limit, bad JSON) get the same problem shape.
    fastify.setErrorHandler((error, request, reply) => {
      const { problem, internal } = toProblem(error);
      if (internal) logger.error({ err: error, url: request.url }, 'request failed');
      void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      logger.info({ reqId: request.id, method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
      done();
    });
    app.enableShutdownHooks();
    await app.init();
    return { app, infrastructure };
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
}
