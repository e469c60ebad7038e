import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { METRICS_ROLES, Roles } from '../auth/auth.guard.js';
import type { AppMetrics } from './app-metrics.js';
import { APP_METRICS } from './observers.js';
import { PROJECTION_HEALTH, type ProjectionHealthSource } from './projection-health.tokens.js';
import { COMMAND_EXECUTOR, PROJECTION_RUNNER } from '../tokens.js';
import type { CommandExecutor } from '../commands/command-executor.js';
import type { ProjectionRunner } from '../../../libs/projection-engine/runner.js';

/** `GET /metrics`: Prometheus text (SPEC §10), for a `metrics` key or an admin. */
@Controller('metrics')
@Roles(...METRICS_ROLES)
export class MetricsController {
  constructor(
    @Inject(APP_METRICS) private readonly metrics: AppMetrics,
    @Inject(PROJECTION_HEALTH) private readonly health: ProjectionHealthSource,
    @Inject(COMMAND_EXECUTOR) private readonly executor: CommandExecutor,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  /** Samples the projections, then renders every metric. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    this.metrics.observeProjections(await this.health());
    const commands = this.executor.stats();
    this.metrics.observePersonalData({
      encryptCommandsSeconds: commands.encryptMs / 1000,
      keyCommandsSeconds: commands.keyMs / 1000,
      decryptCommandsSeconds: commands.decryptMs / 1000,
      decryptProjectionsSeconds: this.runner.openingStats().seconds,
    });
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.text();
  }
}
