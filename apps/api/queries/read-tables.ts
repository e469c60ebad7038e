import type { Columns } from './columns.js';

/*
 * The columns each query serves, named as the read tables of SPEC §4 name them (snake_case),
 * so a JSON field, a CSV header and a seed query's column are the same word.
 */

/** `patients` (SPEC §4). */
export const patientColumns = {
  patient_id: 'text',
  first_name: 'text',
  last_name: 'text',
  date_of_birth: 'date?',
  age_group: 'text?',
  sport_type: 'text?',
  team_id: 'text?',
  position: 'text?',
  jersey_number: 'integer?',
  registered_at: 'time',
  updated_at: 'time',
} as const satisfies Columns;

/** `patient_statistics` (SPEC §4); the `*_date` columns are instants. */
export const statisticsColumns = {
  patient_id: 'text',
  total_consultations: 'integer',
  total_scans: 'integer',
  total_predictions: 'integer',
  total_reports: 'integer',
  unique_doctors: 'integer',
  first_visit_date: 'time?',
  last_visit_date: 'time?',
  last_scan_date: 'time?',
  last_report_date: 'time?',
  parkinsons_status: 'text?',
  parkinsons_stage: 'integer?',
  total_symptom_logs: 'integer',
  total_sessions: 'integer',
  updated_at: 'time',
} as const satisfies Columns;

/** `patient_timeline` (SPEC §4). */
export const timelineColumns = {
  event_id: 'text',
  patient_id: 'text',
  event_date: 'time',
  event_type: 'text',
  title: 'text',
  description: 'text',
  severity: 'text',
  source_type: 'text',
  source_id: 'text',
  doctor_id: 'text?',
} as const satisfies Columns;

/** The assignment part of `doctor_patient_assignments` (without its two keys). */
export const assignmentColumns = {
  assignment_type: 'text',
  is_active: 'boolean',
  assigned_at: 'time',
  ended_at: 'time?',
  notes: 'text?',
  source: 'text',
} as const satisfies Columns;

/** A doctor as `/patients/{id}/doctors` shows it (null when the doctors table lags). */
export const doctorSummaryColumns = {
  name: 'text?',
  specialization: 'text?',
  email: 'text?',
} as const satisfies Columns;

/** A patient as `/doctors/{id}/patients` shows it (null when the patients table lags). */
export const patientSummaryColumns = {
  first_name: 'text?',
  last_name: 'text?',
  age_group: 'text?',
  sport_type: 'text?',
  team_id: 'text?',
  position: 'text?',
  jersey_number: 'integer?',
} as const satisfies Columns;

/** One row of `/patients/{id}/doctors`: the doctor, the assignment, and their consultations together. */
export const patientDoctorColumns = {
  doctor_id: 'text',
  ...doctorSummaryColumns,
  ...assignmentColumns,
  consultations: 'integer',
} as const satisfies Columns;

/** One row of `/doctors/{id}/patients`: the patient, the assignment, and their consultations together. */
export const doctorPatientColumns = {
  patient_id: 'text',
  ...patientSummaryColumns,
  ...assignmentColumns,
  consultations: 'integer',
} as const satisfies Columns;

/** `consultations` (SPEC §4); `consultation_date` is an instant (a bare date is midnight UTC). */
export const consultationColumns = {
  id: 'text',
  patient_id: 'text',
  doctor_id: 'text',
  consultation_type: 'text',
  consultation_date: 'time',
  status: 'text',
  chief_complaint: 'text?',
  diagnosis: 'text?',
  prescription: 'text?',
  duration_minutes: 'integer?',
  fee: 'number?',
  next_visit_date: 'date?',
  notes: 'text?',
  recorded_at: 'time',
  updated_at: 'time',
} as const satisfies Columns;

/** One row of `/patients/{id}/consultations`: seed 001's query 5 (`c.*, d.name AS doctor_name`). */
export const patientConsultationColumns = { ...consultationColumns, doctor_name: 'text?' } as const satisfies Columns;

/** `report_status` (SPEC §4). */
export const reportColumns = {
  report_id: 'text',
  patient_id: 'text',
  report_type: 'text',
  status: 'text',
  priority: 'integer',
  requested_by: 'text?',
  requested_at: 'time',
  started_at: 'time?',
  completed_at: 'time?',
  failed_at: 'time?',
  error_message: 'text?',
  retry_count: 'integer',
  report_uri: 'text?',
} as const satisfies Columns;

/** `sessions` (seed 002, SPEC §4). */
export const sessionColumns = {
  id: 'text',
  player_id: 'text',
  user_id: 'text?',
  session_type: 'text',
  title: 'text?',
  description: 'text?',
  start_time: 'time?',
  end_time: 'time?',
  duration_seconds: 'integer?',
  video_path: 'text?',
  status: 'text',
  created_at: 'time?',
  updated_at: 'time?',
  metadata: 'json?',
} as const satisfies Columns;

/** `session_kpis` (seed 002, SPEC §4): a KPI the completion did not send is null. */
export const sessionKpiColumns = {
  id: 'integer',
  session_id: 'text',
  player_id: 'text',
  max_speed_kmh: 'number?',
  avg_speed_kmh: 'number?',
  speed_zones: 'json?',
  total_distance_m: 'number?',
  high_intensity_distance_m: 'number?',
  sprint_distance_m: 'number?',
  touches: 'integer?',
  passes: 'integer?',
  pass_accuracy: 'number?',
  shots: 'integer?',
  accelerations: 'integer?',
  decelerations: 'integer?',
  max_acceleration: 'number?',
  jumps: 'integer?',
  training_load: 'number?',
  player_load: 'number?',
  intensity_score: 'number?',
  calculated_at: 'time',
} as const satisfies Columns;

/** `tracker_export` (seed 000, SPEC §4). */
export const trackerExportColumns = {
  user_id: 'text',
  current_stage: 'text?',
  last_updated: 'time?',
  triage_level: 'text',
  age_group: 'text?',
  sport_type: 'text?',
  team_id: 'text?',
  incident_context: 'text?',
  reporter_type: 'text?',
} as const satisfies Columns;

/** `symptom_log_export` (seed 000, SPEC §4); `timestamp` is the log's loggedAt. */
export const symptomLogExportColumns = {
  log_id: 'text',
  user_id: 'text',
  symptom_id: 'text',
  severity: 'integer',
  timestamp: 'time',
  reporter_type: 'text',
  incident_context: 'text?',
} as const satisfies Columns;
