import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ProblemFilter } from '../errors/problem.filter.js';
import { NestPinoLogger } from '../logging/logger.js';
import { loadKeyRing } from '../auth/api-keys.js';
import { IDEMPOTENCY_REQUEST_SECRET, IdempotencyStore } from '../idempotency/idempotency.store.js';
import { AccessLog } from '../audit/access-log.js';
import { allProjections } from '../../../projections/index.js';
import { ProjectionRunner } from '../../../libs/projection-engine/runner.js';
import { ProjectionAdmin } from '../../../libs/projection-engine/rebuild/projection-admin.js';
import { keyStoreOpener } from '../../../libs/projection-engine/open-events.js';
import { ReadModels } from '../read-models/read-models.js';
import { AppMetrics } from '../metrics/app-metrics.js';
import { installHttpMetrics } from '../metrics/http-metrics.js';
import { timedAppends } from '../metrics/timed-event-store.js';
import { CommandExecutor } from '../commands/command-executor.js';
import type { AppendHooks } from '../../../libs/event-store/postgres/append.js';
import { openInfrastructure, type Infrastructure } from './infrastructure.js';
import { ensureProjectionTables } from './projection-tables.js';
import { createAuthThrottle } from '../auth/auth-throttle.js';
import { HttpDrain } from './http-drain.js';
import { useStrictJsonBodies } from './json-body.js';
import { frameworkErrors, MAX_PARAM_LENGTH } from './url-errors.js';
import { useSecurityHeaders } from './security-headers.js';
import { loadTrackerRules } from './tracker-rules.js';
import { completeInterruptedErasures } from './complete-erasures.js';

/** The largest request body accepted; larger ones get 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

export type RunningApp = {
  app: NestFastifyApplication;
  infrastructure: Infrastructure;
  /** started in roles `all` and `projector`; in role `api` it exists (fingerprints) but never runs */
  runner: ProjectionRunner;
  projectionAdmin: ProjectionAdmin;
  /** the process's metrics (its own prom-client registry) */
  metrics: AppMetrics;
  /** every route Fastify registered, as `METHOD /url` (the OpenAPI completeness test walks them) */
  routes: readonly { method: string; url: string }[];
  executor: CommandExecutor;
  /**
   * The graceful stop: refuses new requests (503 problem+json), lets running ones finish and
   * closes the HTTP server, while the projections finish their batch and give their leases back;
   * then closes the stores.
   */
  close(): Promise<void>;
};

/**
 * Builds the whole service from its configuration: stores, then the Nest app. The caller
 * listens (main.ts) or injects requests (tests).
 *
 * @example
 * const { app } = await createApp(loadConfig(process.env), createLogger(config));
 * await app.listen({ port: config.port, host: config.host });
 */
export async function createApp(
  config: AppConfig,
  logger: Logger,
  options: {
    print?: (text: string) => void;
    /** test seam of the PostgreSQL event store; never in production */ appendHooks?: AppendHooks;
  } = {},
): Promise<RunningApp> {
  const trackerRules = await loadTrackerRules(config);
  const { keyRing, source } = await loadKeyRing(config, {
    print: options.print ?? ((text) => process.stdout.write(text)),
  });
  logger.info({ source }, 'api keys loaded');
  const infrastructure = await openInfrastructure(config, logger, { appendHooks: options.appendHooks });
  try {
    const idempotency = await IdempotencyStore.open(
      infrastructure.database.db,
      await infrastructure.keyStore.secret(IDEMPOTENCY_REQUEST_SECRET),
    );
    const accessLog = await AccessLog.open(infrastructure.database.db);
    // Every path that feeds projections (runner, rebuild, verify, as-of) decrypts through it (SPEC §9).
    const opener = keyStoreOpener(infrastructure.keyStore);
    const metrics = new AppMetrics();
    const runner = new ProjectionRunner({
      db: infrastructure.database.db,
      store: infrastructure.eventStore,
      opener,
      projections: allProjections,
      context: { triageMap: trackerRules.triageMap, stages: trackerRules.stages },
      configTexts: { triageMap: trackerRules.triageMapText, stages: trackerRules.stagesText },
      logger,
      leaseTtlMs: config.projectionLeaseMs,
      leaseRenewMs: Math.max(200, Math.floor(config.projectionLeaseMs / 5)),
      // PGlite runs one statement at a time: concurrency there only interleaves the waits.
      concurrent: infrastructure.database.kind === 'server',
      // caretrack_projection_events_applied_total, _batch_size, _apply_duration_seconds
      metrics,
    });
    const projectionAdmin = new ProjectionAdmin({
      db: infrastructure.database.db,
      store: infrastructure.eventStore,
      opener,
      projections: allProjections,
      context: { triageMap: trackerRules.triageMap, stages: trackerRules.stages },
      fingerprintOf: (name) => runner.fingerprint(name),
      owner: runner.owner,
      logger,
    });
    const readModels = new ReadModels(infrastructure.database.db, infrastructure.eventStore, allProjections, runner);
    // Every append the commands make is timed (caretrack_append_duration_seconds), every retry counted.
    const executor = new CommandExecutor({
      store: timedAppends(infrastructure.eventStore, metrics),
      dataKeys: infrastructure.keyStore,
      isKnownSymptom: trackerRules.isKnownSymptom,
      logger,
      metrics,
    });
    // return503OnClosing: false: during a drain HttpDrain answers with problem+json instead.
    const adapter = new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      genReqId: () => crypto.randomUUID(),
      trustProxy: config.trustProxy,
      return503OnClosing: false,
      routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
      frameworkErrors,
    });
    const routes: { method: string; url: string }[] = [];
    adapter.getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    const authThrottle = await createAuthThrottle(adapter.getInstance(), { maxFailures: config.authFailureLimit });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({
        config,
        infrastructure,
        logger,
        keyRing,
        authThrottle,
        trackerRules,
        idempotency,
        runner,
        readModels,
        projectionAdmin,
        accessLog,
        metrics,
        executor,
      }),
      adapter,
      {
        logger: new NestPinoLogger(logger),
        abortOnError: false,
      },
    );
    app.useGlobalFilters(new ProblemFilter(logger));
    useStrictJsonBodies(app, BODY_LIMIT_BYTES);
    await useSecurityHeaders(app);
    const httpDrain = new HttpDrain(app);
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onResponse', (request, reply, done) => {
      logger.info(
        {
          reqId: request.id,
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
      done();
    });
    installHttpMetrics(fastify, metrics);
    await app.init();
    // ErasePatient destroys the key before appending: a crash in between is completed here.
    await completeInterruptedErasures(infrastructure.keyStore, infrastructure.eventStore, executor, logger);
    if (config.role === 'api') await ensureProjectionTables(infrastructure.database.db, allProjections, runner);
    else await runner.start();
    logger.info(
      { role: config.role },
      config.role === 'api' ? 'serving HTTP; projections run elsewhere' : 'projection runner started',
    );
    const close = async () => {
      // HTTP and projections stop side by side: a running request may wait for a projection
      // (X-Min-Position), and the runner finishes its current batch before giving its leases back.
      await Promise.all([httpDrain.drain(), runner.stop()]);
      await infrastructure.close();
    };
    return { app, infrastructure, runner, projectionAdmin, metrics, routes, executor, close };
  } catch (error) {
    await infrastructure.close();
    throw error;
  }
}
