import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUERY_ROLES, Roles } from '../auth/auth.guard.js';
import type { ReadModels } from '../projections/read-models.js';
import { READ_MODELS } from '../tokens.js';
import { exportBody, type ExportBody } from './export-body.js';
import { symptomLogExport, trackerExport, type SymptomLogExportRow, type TrackerExportRow } from './exports.reads.js';
import { noParams, parseQuery } from './query-params.js';
import { symptomLogQuery } from './query-schemas.js';
import { querySources } from './query-sources.js';
import { symptomLogExportColumns, trackerExportColumns } from './read-tables.js';

/** The tracker's exports (seed 000): JSON by default, CSV with `Accept: text/csv` (SPEC §5). */
@Controller('exports')
@Roles(...QUERY_ROLES)
export class ExportsController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  /** Every person's return-to-sport stage and triage level, by `user_id`. */
  @Get('tracker')
  async tracker(@Query() query: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ExportBody<TrackerExportRow>> {
    await this.readModels.gate(querySources.trackerExport, request, reply);
    parseQuery(noParams, query);
    return exportBody(request, reply, 'tracker_export', trackerExportColumns, await trackerExport(this.readModels.db));
  }

  /** The symptom logs logged at or after `since` (all when absent), oldest first. */
  @Get('symptom-log')
  async symptomLog(@Query() query: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ExportBody<SymptomLogExportRow>> {
    await this.readModels.gate(querySources.symptomLogExport, request, reply);
    const { since } = parseQuery(symptomLogQuery, query);
    return exportBody(request, reply, 'symptom_log_export', symptomLogExportColumns, await symptomLogExport(this.readModels.db, since));
  }
}
