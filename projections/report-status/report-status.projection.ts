import type { ReportEvent } from '../../libs/domain/report/report.events.js';
import { keyedRows } from '../../libs/projection-engine/io.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { foldReportStatus, reportStatusEventTypes } from './report-status.fold.js';
import { reportStatusTable } from './report-status.tables.js';

/**
 * `report_status`: the report generation pipeline, from ReportRequested,
 * ReportGenerationStarted, ReportGenerated and ReportGenerationFailed (one row per report).
 */
export const reportStatusProjection = defineProjection<ReportEvent>({
  name: 'report_status',
  version: 1,
  eventTypes: reportStatusEventTypes,
  tables: [reportStatusTable],
  apply: keyedRows(reportStatusTable, { key: (e) => e.data.reportId, evolve: foldReportStatus }),
});
