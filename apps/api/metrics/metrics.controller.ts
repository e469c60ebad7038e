import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { METRICS_ROLES, Roles } from '../auth/auth.guard.js';
import type { AppMetrics } from './app-metrics.js';
import { APP_METRICS } from './observers.js';
import { PROJECTION_HEALTH, type ProjectionHealthSource } from './projection-health.tokens.js';

/** `GET /metrics`: Prometheus text (SPEC §10), for a `metrics` key or an admin. */
@Controller('metrics')
@Roles(...METRICS_ROLES)
export class MetricsController {
  constructor(
    @Inject(APP_METRICS) private readonly metrics: AppMetrics,
    @Inject(PROJECTION_HEALTH) private readonly health: ProjectionHealthSource,
  ) {}

  /** Samples the projections, then renders every metric. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    this.metrics.observeProjections(await this.health());
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.text();
  }
}
