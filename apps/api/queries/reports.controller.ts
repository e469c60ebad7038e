import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUERY_ROLES, Roles } from '../auth/auth.guard.js';
import type { ReadModels } from '../read-models/read-models.js';
import { READ_MODELS } from '../tokens.js';
import type { Page } from './page.js';
import { parseQuery } from './query-params.js';
import { reportQueueQuery } from './query-schemas.js';
import { querySources } from './query-sources.js';
import { OPEN_REPORT_STATUSES, reportQueue, type ReportRow } from './reports.reads.js';

/** The report pipeline across patients (SPEC §5). */
@Controller('reports')
@Roles(...QUERY_ROLES)
export class ReportsController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  /** Reports in `status` (default pending, generating, failed), oldest request first, paged by `after`. */
  @Get()
  async queue(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<ReportRow>> {
    await this.readModels.gate(querySources.reports, request, reply);
    const { status, limit, after } = parseQuery(reportQueueQuery, query);
    return reportQueue(this.readModels.db, status ?? OPEN_REPORT_STATUSES, limit, after);
  }
}
