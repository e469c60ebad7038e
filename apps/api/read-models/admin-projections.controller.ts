import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ADMIN_ROLES, Roles } from '../auth/auth.guard.js';
import type { ProjectionAdmin } from '../../../libs/projection-engine/index.js';
import { NotFound } from '../errors/http-errors.js';
import { PROJECTION_HEALTH, type ProjectionHealthSource } from '../metrics/projection-health.tokens.js';
import { PROJECTION_ADMIN } from '../tokens.js';

/** Admin view and operations of the projections (SPEC §6). */
@Controller('admin/projections')
@Roles(...ADMIN_ROLES)
export class AdminProjectionsController {
  constructor(
    @Inject(PROJECTION_HEALTH) private readonly health: ProjectionHealthSource,
    @Inject(PROJECTION_ADMIN) private readonly admin: ProjectionAdmin,
  ) {}

  /**
   * name, status, position, lag (events and seconds), seconds since the checkpoint last moved,
   * fingerprint, last error and the latest rebuild's state of every projection.
   */
  @Get()
  async list() {
    return { projections: await this.health() };
  }

  /** Starts a zero-downtime rebuild (202); poll GET for progress. */
  @Post(':name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name') name: string) {
    return this.admin.startRebuild(name);
  }

  /** Progress of the latest rebuild: processed, total, events/s, ETA. */
  @Get(':name/rebuild')
  async progress(@Param('name') name: string) {
    const progress = await this.admin.progress(name);
    if (!progress) throw new NotFound(`projection ${name} has never been rebuilt`);
    return progress;
  }

  /** Replays the history and reports the rows that differ from the live table. */
  @Post(':name/verify')
  @HttpCode(200)
  async verify(@Param('name') name: string) {
    return this.admin.verify(name);
  }

  /** Swaps the previous tables back in. */
  @Post(':name/rollback')
  @HttpCode(200)
  async rollback(@Param('name') name: string) {
    return this.admin.rollback(name);
  }
}
