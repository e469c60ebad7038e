/** The main read table of the `report_status` projection. */
export const REPORT_STATUS_TABLE = 'report_status';

/**
 * DDL of `report_status` (SPEC §4): one row per requested report and where its generation
 * stands. The status index serves `/reports?status=…` (oldest request first); the patient
 * index `/patients/{id}/reports`.
 */
export const reportStatusTables: readonly string[] = [
  `CREATE TABLE ${REPORT_STATUS_TABLE} (
    report_id text PRIMARY KEY,
    patient_id text NOT NULL,
    report_type text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'generating', 'generated', 'failed')),
    priority integer NOT NULL,
    requested_by text,
    requested_at timestamptz NOT NULL,
    started_at timestamptz,
    completed_at timestamptz,
    failed_at timestamptz,
    error_message text,
    retry_count integer NOT NULL,
    report_uri text
  )`,
  `CREATE INDEX report_status_status_idx ON ${REPORT_STATUS_TABLE} (status, requested_at)`,
  `CREATE INDEX report_status_patient_idx ON ${REPORT_STATUS_TABLE} (patient_id, requested_at)`,
];
