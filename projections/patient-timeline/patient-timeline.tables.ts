/** The main read table: one row per timeline entry (SPEC §4). */
export const PATIENT_TIMELINE = 'patient_timeline';
/** Auxiliary: the scans seen so far, so a prediction row can carry the scan's doctor. */
export const PATIENT_TIMELINE_SCANS = 'patient_timeline_scans';
/** Auxiliary: every symptom log, so a person's stage_changed rows can be recomputed in loggedAt order. */
export const PATIENT_TIMELINE_SYMPTOM_LOGS = 'patient_timeline_symptom_logs';

/** Every table the timeline owns, main table first. */
export const patientTimelineTableNames = [PATIENT_TIMELINE, PATIENT_TIMELINE_SCANS, PATIENT_TIMELINE_SYMPTOM_LOGS] as const;

/**
 * DDL of the timeline. `event_id` is the source event's id, except for `stage_changed` rows,
 * whose id is `<source event id>:stage` (the symptom_logged row of the same event keeps the
 * plain id). The index serves `GET /patients/{id}/timeline` (newest first, cursor `before`).
 */
export const patientTimelineTables = [
  `CREATE TABLE patient_timeline (
    event_id text PRIMARY KEY,
    patient_id text NOT NULL,
    event_date timestamptz NOT NULL,
    event_type text NOT NULL CHECK (event_type IN ('patient_registered', 'doctor_assigned', 'consultation',
      'consultation_status_changed', 'scan_uploaded', 'prediction_made', 'report_requested', 'report_generated',
      'report_failed', 'symptom_logged', 'stage_changed', 'session_completed')),
    title text NOT NULL,
    description text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    source_type text NOT NULL,
    source_id text NOT NULL,
    doctor_id text
  )`,
  `CREATE INDEX patient_timeline_patient_date_idx ON patient_timeline (patient_id, event_date DESC, event_id DESC)`,
  `CREATE TABLE patient_timeline_scans (
    scan_id text PRIMARY KEY,
    patient_id text NOT NULL,
    doctor_id text
  )`,
  `CREATE TABLE patient_timeline_symptom_logs (
    event_id text PRIMARY KEY,
    patient_id text NOT NULL,
    log_id text NOT NULL,
    severity integer NOT NULL,
    logged_at timestamptz NOT NULL,
    position numeric(40, 0) NOT NULL
  )`,
  `CREATE INDEX patient_timeline_symptom_logs_patient_idx ON patient_timeline_symptom_logs (patient_id, logged_at, position)`,
] as const;
