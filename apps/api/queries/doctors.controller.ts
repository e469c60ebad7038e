import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUERY_ROLES, Roles } from '../auth/auth.guard.js';
import type { ReadModels } from '../read-models/read-models.js';
import { READ_MODELS } from '../tokens.js';
import { doctorPatients, type DoctorPatientRow } from './care-team.reads.js';
import type { Items } from './page.js';
import { parseQuery, pathId } from './query-params.js';
import { careTeamQuery } from './query-schemas.js';
import { querySources } from './query-sources.js';
import { readSnapshot } from './snapshot.js';

/** A doctor's read models (SPEC §5). */
@Controller('doctors')
@Roles(...QUERY_ROLES)
export class DoctorsController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  /** The doctor's patients with their assignment and consultation count; `?active=true|false` filters. */
  @Get(':id/patients')
  async patients(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Items<DoctorPatientRow>> {
    await this.readModels.gate(querySources.doctorPatients, request, reply);
    const doctorId = pathId(id);
    const { active } = parseQuery(careTeamQuery, query);
    return readSnapshot(this.readModels.db, (db) => doctorPatients(db, doctorId, active));
  }
}
