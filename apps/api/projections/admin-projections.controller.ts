import { Controller, Get, Inject } from '@nestjs/common';
import { ADMIN_ROLES, Roles } from '../auth/auth.guard.js';
import { projectionStatuses, type ProjectionRunner } from '../../../libs/projection-engine/index.js';
import type { EventStore } from '../../../libs/event-store/index.js';
import { EVENT_STORE, PROJECTION_RUNNER, READ_MODELS } from '../tokens.js';
import type { ReadModels } from './read-models.js';

/** Admin view of the projections (SPEC §6). */
@Controller('admin/projections')
@Roles(...ADMIN_ROLES)
export class AdminProjectionsController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  /** name, status, position, lag, fingerprint and last error of every projection. */
  @Get()
  async list() {
    const projections = await projectionStatuses(this.readModels.db, this.store, this.readModels.projections, (name) =>
      this.runner.fingerprint(name),
    );
    return { projections };
  }
}
