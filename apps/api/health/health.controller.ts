import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { sql } from 'kysely';
import { ServiceUnavailable } from '../errors/http-errors.js';
import { INFRASTRUCTURE } from '../tokens.js';
import type { Infrastructure } from '../bootstrap/infrastructure.js';

/** Liveness and readiness, for load balancers and orchestrators. */
@Controller()
export class HealthController {
  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  /** The process is alive. */
  @Get('health')
  @HttpCode(200)
  health() {
    return { status: 'ok' };
  }

  /** Every store answers. */
  @Get('ready')
  async ready() {
    const checks = await Promise.allSettled([
      this.infra.eventStore.ping(),
      sql`SELECT 1`.execute(this.infra.database.db),
    ]);
    const [events, readTables] = checks.map((c) => (c.status === 'fulfilled' ? 'up' : 'down'));
    if (events !== 'up' || readTables !== 'up') {
      throw new ServiceUnavailable(`store unreachable: events ${events}, read tables ${readTables}`);
    }
    return { status: 'ready', eventStore: events, readStore: readTables };
  }
}
