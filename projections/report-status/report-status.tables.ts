import { defineTable, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/**
 * `report_status` (SPEC §4): one row per requested report and where its generation stands.
 * The status index serves `/reports?status=…` (oldest request first); the patient index
 * `/patients/{id}/reports`.
 */
export const reportStatusTable = defineTable(
  'report_status',
  {
    report_id: text(),
    patient_id: text(),
    report_type: text(),
    status: text<'pending' | 'generating' | 'generated' | 'failed'>().checkIn([
      'pending',
      'generating',
      'generated',
      'failed',
    ]),
    priority: integer(),
    requested_by: text().nullable(),
    requested_at: timestamptz(),
    started_at: timestamptz().nullable(),
    completed_at: timestamptz().nullable(),
    failed_at: timestamptz().nullable(),
    error_message: text().nullable(),
    retry_count: integer(),
    report_uri: text().nullable(),
  },
  {
    primaryKey: ['report_id'],
    indexes: [
      { name: 'report_status_status_idx', columns: ['status', 'requested_at'] },
      { name: 'report_status_patient_idx', columns: ['patient_id', 'requested_at'] },
    ],
  },
);

/** A row of `report_status` as JSON (times ISO strings). */
export type ReportStatusRow = RowOf<typeof reportStatusTable>;
