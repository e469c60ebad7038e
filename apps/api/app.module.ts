import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import type { AccessLog } from './audit/access-log.js';
import { AuditModule } from './audit/audit.module.js';
import { BenchModule } from './bench/bench.module.js';
import type { KeyRing } from './auth/key-ring.js';
import type { AuthThrottle } from './auth/auth-throttle.js';
import type { Infrastructure } from './bootstrap/infrastructure.js';
import type { TrackerRules } from './bootstrap/tracker-rules.js';
import { CommandsModule } from './commands/commands.module.js';
import type { AppConfig } from './config/app-config.js';
import { HealthController } from './health/health.controller.js';
import type { AppMetrics } from './metrics/app-metrics.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { timedAppends } from './metrics/timed-event-store.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import type { IdempotencyStore } from './idempotency/idempotency.store.js';
import type { ProjectionRunner } from '../../libs/projection-engine/runner.js';
import type { ProjectionAdmin } from '../../libs/projection-engine/rebuild/projection-admin.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { QueriesModule } from './queries/queries.module.js';
import { apiOpenApiOptions } from './openapi/api-paths.js';
import { ConsoleModule } from './console/console.module.js';
import type { ReadModels } from './read-models/read-models.js';
import type { CommandExecutor } from './commands/command-executor.js';
import {
  APP_CONFIG,
  EVENT_STORE,
  IDEMPOTENCY_STORE,
  INFRASTRUCTURE,
  KEY_STORE,
  LOGGER,
  ACCESS_LOG,
  COMMAND_EXECUTOR,
  PROJECTION_ADMIN,
  PROJECTION_CONTEXT,
  PROJECTION_RUNNER,
  READ_MODELS,
  SYMPTOM_CATALOG,
} from './tokens.js';

export type AppDependencies = {
  config: AppConfig;
  infrastructure: Infrastructure;
  logger: Logger;
  keyRing: KeyRing;
  authThrottle: AuthThrottle;
  trackerRules: TrackerRules;
  idempotency: IdempotencyStore;
  runner: ProjectionRunner;
  readModels: ReadModels;
  projectionAdmin: ProjectionAdmin;
  accessLog: AccessLog;
  metrics: AppMetrics;
  executor: CommandExecutor;
};

/** The HTTP application; everything stateful is built outside and handed in. */
@Module({})
export class AppModule {
  static forRoot(deps: AppDependencies): DynamicModule {
    const shared: DynamicModule = {
      module: SharedModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: deps.config },
        { provide: INFRASTRUCTURE, useValue: deps.infrastructure },
        { provide: EVENT_STORE, useValue: timedAppends(deps.infrastructure.eventStore, deps.metrics) },
        { provide: KEY_STORE, useValue: deps.infrastructure.keyStore },
        { provide: LOGGER, useValue: deps.logger },
        { provide: SYMPTOM_CATALOG, useValue: deps.trackerRules.isKnownSymptom },
        { provide: IDEMPOTENCY_STORE, useValue: deps.idempotency },
        { provide: PROJECTION_RUNNER, useValue: deps.runner },
        { provide: READ_MODELS, useValue: deps.readModels },
        { provide: PROJECTION_ADMIN, useValue: deps.projectionAdmin },
        { provide: ACCESS_LOG, useValue: deps.accessLog },
        {
          provide: PROJECTION_CONTEXT,
          useValue: { triageMap: deps.trackerRules.triageMap, stages: deps.trackerRules.stages },
        },
        { provide: COMMAND_EXECUTOR, useValue: deps.executor },
      ],
      exports: [
        APP_CONFIG,
        INFRASTRUCTURE,
        EVENT_STORE,
        KEY_STORE,
        LOGGER,
        SYMPTOM_CATALOG,
        IDEMPOTENCY_STORE,
        PROJECTION_RUNNER,
        READ_MODELS,
        PROJECTION_ADMIN,
        ACCESS_LOG,
        PROJECTION_CONTEXT,
        COMMAND_EXECUTOR,
      ],
    };
    // A projector serves only /health, /ready and /metrics; every other route is 404 there.
    const routes =
      deps.config.role === 'projector'
        ? []
        : [
            CommandsModule,
            ReadModelsModule,
            AuditModule,
            QueriesModule,
            OpenApiModule.forRoot(apiOpenApiOptions),
            ConsoleModule,
            ...(deps.config.benchEndpoints ? [BenchModule] : []),
          ];
    return {
      module: AppModule,
      imports: [
        shared,
        MetricsModule.forRoot(deps.metrics),
        AuthModule.forRoot(deps.keyRing, deps.authThrottle),
        ...routes,
      ],
      controllers: [HealthController],
    };
  }
}

/** Carries the values built at start to every module. */
@Module({})
class SharedModule {}
