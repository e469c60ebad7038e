import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUERY_ROLES, Roles } from '../auth/auth.guard.js';
import { EXPORT_PSEUDONYM_SECRET, type KeyStore } from '../../../libs/personal-data/index.js';
import type { ReadModels } from '../read-models/read-models.js';
import { KEY_STORE, READ_MODELS } from '../tokens.js';
import { deidentifiedColumns, deidentifyRows } from './deidentify.js';
import { exportBody, type ExportBody } from './export-body.js';
import { symptomLogExport, trackerExport, type SymptomLogExportRow, type TrackerExportRow } from './exports.reads.js';
import { parseQuery } from './query-params.js';
import { symptomLogQuery, trackerExportQuery } from './query-schemas.js';
import { querySources } from './query-sources.js';
import { symptomLogExportColumns, trackerExportColumns } from './read-tables.js';

/** A row as exported: as the table holds it, or de-identified (pseudonymous user_id, no team_id). */
type Exported<R> = R | Omit<R, 'team_id'>;

/**
 * The tracker's exports (seed 000): JSON by default, CSV with `Accept: text/csv` (SPEC §5);
 * `?deidentified=true` pseudonymises `user_id` and drops `team_id` (SPEC §9).
 */
@Controller('exports')
@Roles(...QUERY_ROLES)
export class ExportsController {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
  ) {}

  /** Every person's return-to-sport stage and triage level, by `user_id`. */
  @Get('tracker')
  async tracker(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExportBody<Exported<TrackerExportRow>>> {
    await this.readModels.gate(querySources.trackerExport, request, reply);
    const { deidentified } = parseQuery(trackerExportQuery, query);
    const rows = await trackerExport(this.readModels.db);
    if (!deidentified) return exportBody(request, reply, 'tracker_export', trackerExportColumns, rows);
    const key = await this.keyStore.secret(EXPORT_PSEUDONYM_SECRET);
    return exportBody(
      request,
      reply,
      'tracker_export_deidentified',
      deidentifiedColumns(trackerExportColumns),
      deidentifyRows(rows, key),
    );
  }

  /** The symptom logs logged at or after `since` (all when absent), oldest first. */
  @Get('symptom-log')
  async symptomLog(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExportBody<Exported<SymptomLogExportRow>>> {
    await this.readModels.gate(querySources.symptomLogExport, request, reply);
    const { since, deidentified } = parseQuery(symptomLogQuery, query);
    const rows = await symptomLogExport(this.readModels.db, since);
    if (!deidentified) return exportBody(request, reply, 'symptom_log_export', symptomLogExportColumns, rows);
    const key = await this.keyStore.secret(EXPORT_PSEUDONYM_SECRET);
    return exportBody(
      request,
      reply,
      'symptom_log_export_deidentified',
      symptomLogExportColumns,
      deidentifyRows(rows, key),
    );
  }
}
