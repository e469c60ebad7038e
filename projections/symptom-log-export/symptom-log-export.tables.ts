/**
 * DDL of `symptom_log_export` (seed 000, SPEC §4): one row per symptom log, `timestamp` = its
 * loggedAt. Indexes: the `?since=` export (by timestamp) and one person's series.
 */
export const symptomLogExportTables: readonly string[] = [
  `CREATE TABLE symptom_log_export (
    log_id text PRIMARY KEY,
    user_id text NOT NULL,
    symptom_id text NOT NULL,
    severity integer NOT NULL,
    "timestamp" timestamptz NOT NULL,
    reporter_type text NOT NULL,
    incident_context text
  )`,
  'CREATE INDEX idx_symptom_log_export_timestamp ON symptom_log_export ("timestamp", log_id)',
  'CREATE INDEX idx_symptom_log_export_user ON symptom_log_export (user_id, "timestamp")',
];
