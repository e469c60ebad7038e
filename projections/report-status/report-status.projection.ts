import type { Projection } from '../../libs/projection-engine/projection.js';
import { loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { foldReportStatus, reportStatusEventTypes, type ReportStatusRow } from './report-status.fold.js';
import { REPORT_STATUS_TABLE, reportStatusTables } from './report-status.tables.js';

/**
 * `report_status`: the report generation pipeline, from ReportRequested,
 * ReportGenerationStarted, ReportGenerated and ReportGenerationFailed. Two statements per
 * batch: load the touched rows, upsert them.
 */
export const reportStatusProjection: Projection = {
  name: 'report_status',
  version: 1,
  eventTypes: reportStatusEventTypes,
  tableNames: [REPORT_STATUS_TABLE],
  tables: reportStatusTables,
  async apply(events, db) {
    const keys = events.map((e) => String(e.data.reportId));
    const current = (await loadRowMap(db, REPORT_STATUS_TABLE, 'report_id', keys)) as Map<string, ReportStatusRow>;
    const changed = new Map<string, ReportStatusRow>();
    for (const event of events) {
      const key = String(event.data.reportId);
      const before = changed.get(key) ?? current.get(key);
      const after = foldReportStatus(before, event);
      if (after && after !== before) changed.set(key, after);
    }
    await upsertRows(db, REPORT_STATUS_TABLE, ['report_id'], [...changed.values()]);
  },
};
