import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '../../../libs/event-store/index.js';
import type { ProjectionAdmin, ProjectionRunner } from '../../../libs/projection-engine/index.js';
import type { ReadModels } from '../read-models/read-models.js';
import { EVENT_STORE, PROJECTION_ADMIN, PROJECTION_RUNNER, READ_MODELS } from '../tokens.js';
import type { AppMetrics } from './app-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { APP_METRICS, AUTH_FAILURES, COMMAND_METRICS, PROJECTION_METRICS } from './observers.js';
import { projectionHealth } from './projection-health.js';
import { PROJECTION_HEALTH, type ProjectionHealthSource } from './projection-health.tokens.js';

/**
 * `GET /metrics`, and the process's {@link AppMetrics} for every module (global): under
 * `APP_METRICS`, and as the observers the guard, the handler and the runner report to.
 * `PROJECTION_HEALTH` samples the projections for `/metrics` and `GET /admin/projections`.
 *
 * @example imports: [MetricsModule.forRoot(metrics)]
 */
@Module({})
export class MetricsModule {
  static forRoot(metrics: AppMetrics): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: APP_METRICS, useValue: metrics },
        { provide: AUTH_FAILURES, useValue: metrics },
        { provide: COMMAND_METRICS, useValue: metrics },
        { provide: PROJECTION_METRICS, useValue: metrics },
        {
          provide: PROJECTION_HEALTH,
          inject: [READ_MODELS, EVENT_STORE, PROJECTION_RUNNER, PROJECTION_ADMIN],
          useFactory:
            (
              readModels: ReadModels,
              store: EventStore,
              runner: ProjectionRunner,
              admin: ProjectionAdmin,
            ): ProjectionHealthSource =>
            () =>
              projectionHealth({
                db: readModels.db,
                store,
                projections: readModels.projections,
                fingerprintOf: (name) => runner.fingerprint(name),
                rebuildProgress: (name) => admin.progress(name),
              }),
        },
      ],
      exports: [APP_METRICS, AUTH_FAILURES, COMMAND_METRICS, PROJECTION_METRICS, PROJECTION_HEALTH],
    };
  }
}
