import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ADMIN_ROLES, Roles } from '../auth/auth.guard.js';
import { NoPreviousTables, RebuildInProgress, UnknownProjection, type ProjectionAdmin } from '../../../libs/projection-engine/index.js';
import { HttpProblem, NotFound } from '../errors/http-errors.js';
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
    return translate(() => this.admin.startRebuild(name));
  }

  /** Progress of the latest rebuild: processed, total, events/s, ETA. */
  @Get(':name/rebuild')
  async progress(@Param('name') name: string) {
    const progress = await translate(() => this.admin.progress(name));
    if (!progress) throw new NotFound(`projection ${name} has never been rebuilt`);
    return progress;
  }

  /** Replays the history and reports the rows that differ from the live table. */
  @Post(':name/verify')
  @HttpCode(200)
  async verify(@Param('name') name: string) {
    return translate(() => this.admin.verify(name));
  }

  /** Swaps the previous tables back in. */
  @Post(':name/rollback')
  @HttpCode(200)
  async rollback(@Param('name') name: string) {
    return translate(() => this.admin.rollback(name));
  }
}

async function translate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnknownProjection) throw new NotFound(error.message);
    if (error instanceof RebuildInProgress) throw new HttpProblem(409, 'rebuild_in_progress', 'Conflict', error.message);
    if (error instanceof NoPreviousTables) throw new HttpProblem(409, 'no_previous_tables', 'Conflict', error.message);
    throw error;
  }
}
