import { keyedRows } from '../../libs/projection-engine/io.js';
import { patientErasure } from '../patient-erasure.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import {
  clearReportStatus,
  foldReportStatus,
  reportStatusEventTypes,
  type ReportStatusEvent,
} from './report-status.fold.js';
import { reportStatusTable } from './report-status.tables.js';

/**
 * `report_status`: the report generation pipeline, from ReportRequested,
 * ReportGenerationStarted, ReportGenerated and ReportGenerationFailed (one row per report).
 */
export const reportStatusProjection = defineProjection<ReportStatusEvent>({
  name: 'report_status',
  version: 2,
  eventTypes: reportStatusEventTypes,
  tables: [reportStatusTable],
  apply: keyedRows(reportStatusTable, {
    key: (e) => (e.type === 'PatientErased' ? undefined : e.data.reportId),
    evolve: foldReportStatus,
    erase: patientErasure('patient_id', clearReportStatus),
  }),
});
