/**
 * DDL of `tracker_export` (seed 000, SPEC §4): one row per person (registered or logging), and
 * its auxiliary `tracker_export_logs`: every symptom log the projection has seen, so a backdated
 * log can recompute the person's stage and triage from the whole series. Logs are keyed by
 * (user_id, log_id): log ids are unique per person only. `position` (numeric: log positions may
 * exceed 2^63) orders logs with the same loggedAt as the log does.
 */
export const trackerExportTables: readonly string[] = [
  `CREATE TABLE tracker_export (
    user_id text PRIMARY KEY,
    current_stage text,
    last_updated timestamptz,
    triage_level text NOT NULL DEFAULT 'green',
    age_group text,
    sport_type text,
    team_id text,
    incident_context text,
    reporter_type text
  )`,
  'CREATE INDEX idx_tracker_export_triage ON tracker_export (triage_level, last_updated DESC)',
  `CREATE TABLE tracker_export_logs (
    user_id text NOT NULL,
    log_id text NOT NULL,
    event_id text NOT NULL,
    position numeric NOT NULL,
    symptom_id text NOT NULL,
    severity integer NOT NULL,
    logged_at timestamptz NOT NULL,
    reporter_type text NOT NULL,
    incident_context text,
    PRIMARY KEY (user_id, log_id)
  )`,
  'CREATE INDEX idx_tracker_export_logs_order ON tracker_export_logs (user_id, logged_at, position)',
];
