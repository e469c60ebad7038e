import { defineTable, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/**
 * `symptom_log_export` (seed 000, SPEC §4): one row per symptom log, `timestamp` = its
 * loggedAt. Indexes: the `?since=` export (by timestamp) and one person's series.
 */
export const symptomLogExportTable = defineTable(
  'symptom_log_export',
  {
    log_id: text(),
    user_id: text(),
    symptom_id: text(),
    severity: integer(),
    timestamp: timestamptz(),
    reporter_type: text(),
    incident_context: text().nullable(),
  },
  {
    primaryKey: ['log_id'],
    indexes: [
      { name: 'idx_symptom_log_export_timestamp', columns: ['"timestamp"', 'log_id'] },
      { name: 'idx_symptom_log_export_user', columns: ['user_id', '"timestamp"'] },
    ],
  },
);

/** One `symptom_log_export` row as JSON. */
export type SymptomLogRow = RowOf<typeof symptomLogExportTable>;
