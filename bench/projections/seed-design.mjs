// Baseline B: the design of seeds/001 — the facts as plain rows in plain tables, with its four
// PL/pgSQL triggers keeping `patient_statistics` and `patient_timeline` up to date:
//
//   update_stats_on_consultation  AFTER INSERT ON consultations            -> total_consultations, last_visit_date
//   update_stats_on_report        AFTER INSERT OR UPDATE OF status ON reports, when it becomes
//                                 'generated'                              -> total_reports, last_report_date
//   timeline_on_scan              AFTER INSERT ON scans                    -> a 'scan_uploaded' timeline row
//   timeline_on_prediction        AFTER INSERT ON predictions              -> a 'prediction_made' row, severity from the result
//
// The facts seed 001 has no table for (symptom logs; sessions and their KPIs) go into plain
// tables shaped after seeds 000 and 002, without triggers. Tables carry their primary keys,
// the foreign keys the seed describes (ON DELETE CASCADE) and the indexes its queries need.
//
// `statementsFor(events)` turns one batch of stored events (log order) into multi-row
// statements: INSERT … VALUES (…), (…) per table in dependency order, then multi-row
// UPDATE … FROM (VALUES …) in waves (wave k holds the k-th change of each row in the batch, so
// several changes of one row in one batch apply in order).

export const SEED_SCHEMA = 'bench_seed001';

export const seedDdl = [
  `CREATE TABLE patients (
    patient_id text PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL,
    date_of_birth date,
    age_group text,
    sport_type text,
    team_id text,
    position text,
    jersey_number integer,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE TABLE doctors (
    doctor_id text PRIMARY KEY,
    name text NOT NULL,
    specialization text,
    email text,
    created_at timestamptz NOT NULL
  )`,
  `CREATE TABLE doctor_patient_assignments (
    doctor_id text NOT NULL REFERENCES doctors ON DELETE CASCADE,
    patient_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    assignment_type text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    assigned_at timestamptz NOT NULL,
    ended_at timestamptz,
    notes text,
    PRIMARY KEY (doctor_id, patient_id)
  )`,
  `CREATE INDEX doctor_patient_assignments_patient_idx ON doctor_patient_assignments (patient_id, is_active)`,
  `CREATE TABLE consultations (
    id text PRIMARY KEY,
    patient_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    doctor_id text NOT NULL REFERENCES doctors ON DELETE CASCADE,
    consultation_type text NOT NULL,
    consultation_date timestamptz NOT NULL,
    status text NOT NULL,
    chief_complaint text,
    diagnosis text,
    prescription text,
    duration_minutes integer,
    fee numeric(10,2),
    next_visit_date date,
    notes text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX consultations_patient_date_idx ON consultations (patient_id, consultation_date DESC)`,
  `CREATE INDEX consultations_doctor_idx ON consultations (doctor_id)`,
  `CREATE TABLE scans (
    scan_id text PRIMARY KEY,
    patient_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    doctor_id text,
    modality text NOT NULL,
    body_region text,
    file_uri text NOT NULL,
    sha256 text NOT NULL,
    size_bytes bigint NOT NULL,
    taken_at timestamptz,
    uploaded_at timestamptz NOT NULL
  )`,
  `CREATE INDEX scans_patient_idx ON scans (patient_id)`,
  `CREATE TABLE predictions (
    prediction_id text PRIMARY KEY,
    scan_id text NOT NULL REFERENCES scans ON DELETE CASCADE,
    result text NOT NULL,
    stage integer,
    confidence double precision NOT NULL,
    model_version text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX predictions_scan_idx ON predictions (scan_id)`,
  `CREATE TABLE reports (
    report_id text PRIMARY KEY,
    patient_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    report_type text NOT NULL,
    status text NOT NULL,
    priority integer NOT NULL,
    requested_by text,
    requested_at timestamptz NOT NULL,
    started_at timestamptz,
    completed_at timestamptz,
    failed_at timestamptz,
    error_message text,
    retry_count integer NOT NULL DEFAULT 0,
    report_uri text
  )`,
  `CREATE INDEX reports_status_idx ON reports (status, requested_at)`,
  `CREATE INDEX reports_patient_idx ON reports (patient_id, requested_at)`,
  `CREATE TABLE patient_statistics (
    patient_id text PRIMARY KEY REFERENCES patients ON DELETE CASCADE,
    total_consultations integer NOT NULL DEFAULT 0,
    total_scans integer NOT NULL DEFAULT 0,
    total_predictions integer NOT NULL DEFAULT 0,
    total_reports integer NOT NULL DEFAULT 0,
    unique_doctors integer NOT NULL DEFAULT 0,
    first_visit_date timestamptz,
    last_visit_date timestamptz,
    last_scan_date timestamptz,
    last_report_date timestamptz,
    parkinsons_status text,
    parkinsons_stage integer,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX patient_statistics_last_visit_idx ON patient_statistics (last_visit_date DESC NULLS LAST)`,
  `CREATE TABLE patient_timeline (
    id bigserial PRIMARY KEY,
    patient_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    event_type text NOT NULL,
    event_date timestamptz NOT NULL,
    title text NOT NULL,
    description text,
    severity text NOT NULL,
    source_type text NOT NULL,
    source_id text NOT NULL,
    doctor_id text
  )`,
  `CREATE INDEX patient_timeline_patient_date_idx ON patient_timeline (patient_id, event_date DESC)`,
  // seed 000's symptom log, seed 002's sessions and KPIs: plain tables, no triggers
  `CREATE TABLE symptom_logs (
    log_id text PRIMARY KEY,
    patient_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    symptom_id text NOT NULL,
    severity integer NOT NULL,
    logged_at timestamptz NOT NULL,
    reporter_type text NOT NULL,
    incident_context text
  )`,
  `CREATE INDEX symptom_logs_logged_at_idx ON symptom_logs (logged_at, log_id)`,
  `CREATE INDEX symptom_logs_patient_idx ON symptom_logs (patient_id, logged_at)`,
  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    player_id text NOT NULL REFERENCES patients ON DELETE CASCADE,
    user_id text,
    session_type text NOT NULL,
    title text,
    description text,
    start_time timestamptz,
    end_time timestamptz,
    duration_seconds integer,
    video_path text,
    status text NOT NULL DEFAULT 'pending',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    metadata jsonb
  )`,
  `CREATE INDEX sessions_player_idx ON sessions (player_id, created_at DESC)`,
  `CREATE INDEX sessions_created_at_idx ON sessions (created_at DESC)`,
  `CREATE INDEX sessions_status_idx ON sessions (status, session_type)`,
  `CREATE TABLE session_kpis (
    id serial PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions ON DELETE CASCADE,
    max_speed_kmh double precision,
    avg_speed_kmh double precision,
    speed_zones jsonb,
    total_distance_m double precision,
    high_intensity_distance_m double precision,
    sprint_distance_m double precision,
    touches integer,
    passes integer,
    pass_accuracy double precision,
    shots integer,
    accelerations integer,
    decelerations integer,
    max_acceleration double precision,
    jumps integer,
    training_load double precision,
    player_load double precision,
    intensity_score double precision,
    calculated_at timestamptz NOT NULL
  )`,
  `CREATE UNIQUE INDEX session_kpis_session_idx ON session_kpis (session_id)`,

  // ---- the four triggers of seed 001
  `CREATE FUNCTION update_stats_on_consultation() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO patient_statistics AS s (patient_id, total_consultations, last_visit_date, updated_at)
    VALUES (NEW.patient_id, 1, NEW.consultation_date, now())
    ON CONFLICT (patient_id) DO UPDATE SET
      total_consultations = s.total_consultations + 1,
      last_visit_date = GREATEST(s.last_visit_date, EXCLUDED.last_visit_date),
      updated_at = now();
    RETURN NEW;
  END $$`,
  `CREATE TRIGGER update_stats_on_consultation AFTER INSERT ON consultations
    FOR EACH ROW EXECUTE FUNCTION update_stats_on_consultation()`,
  `CREATE FUNCTION update_stats_on_report() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.status = 'generated' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'generated') THEN
      INSERT INTO patient_statistics AS s (patient_id, total_reports, last_report_date, updated_at)
      VALUES (NEW.patient_id, 1, NEW.completed_at, now())
      ON CONFLICT (patient_id) DO UPDATE SET
        total_reports = s.total_reports + 1,
        last_report_date = GREATEST(s.last_report_date, EXCLUDED.last_report_date),
        updated_at = now();
    END IF;
    RETURN NEW;
  END $$`,
  `CREATE TRIGGER update_stats_on_report AFTER INSERT OR UPDATE OF status ON reports
    FOR EACH ROW EXECUTE FUNCTION update_stats_on_report()`,
  `CREATE FUNCTION timeline_on_scan() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO patient_timeline (patient_id, event_type, event_date, title, description, severity, source_type, source_id, doctor_id)
    VALUES (NEW.patient_id, 'scan_uploaded', coalesce(NEW.taken_at, NEW.uploaded_at), NEW.modality || ' scan uploaded',
      coalesce(NEW.body_region, 'scan') || ', ' || NEW.size_bytes || ' bytes', 'info', 'scan', NEW.scan_id, NEW.doctor_id);
    RETURN NEW;
  END $$`,
  `CREATE TRIGGER timeline_on_scan AFTER INSERT ON scans FOR EACH ROW EXECUTE FUNCTION timeline_on_scan()`,
  `CREATE FUNCTION timeline_on_prediction() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    scan record;
  BEGIN
    SELECT patient_id, doctor_id INTO scan FROM scans WHERE scan_id = NEW.scan_id;
    INSERT INTO patient_timeline (patient_id, event_type, event_date, title, description, severity, source_type, source_id, doctor_id)
    VALUES (scan.patient_id, 'prediction_made', NEW.created_at, 'Prediction: ' || NEW.result,
      'model ' || NEW.model_version || ', confidence ' || NEW.confidence
        || CASE WHEN NEW.stage IS NULL THEN '' ELSE ', stage ' || NEW.stage END,
      CASE
        WHEN NEW.result = 'negative' THEN 'info'
        WHEN NEW.result = 'inconclusive' THEN 'low'
        WHEN coalesce(NEW.stage, 0) <= 2 THEN 'medium'
        WHEN NEW.stage = 3 THEN 'high'
        ELSE 'critical'
      END,
      'prediction', NEW.prediction_id, scan.doctor_id);
    RETURN NEW;
  END $$`,
  `CREATE TRIGGER timeline_on_prediction AFTER INSERT ON predictions FOR EACH ROW EXECUTE FUNCTION timeline_on_prediction()`,
];

/** Tables of the design, for row counts. */
export const seedTables = [
  'patients',
  'doctors',
  'doctor_patient_assignments',
  'consultations',
  'scans',
  'predictions',
  'reports',
  'patient_statistics',
  'patient_timeline',
  'symptom_logs',
  'sessions',
  'session_kpis',
];

// Insert order (parents first) and the columns of each insert.
const INSERTS = {
  patients: ['patient_id', 'first_name', 'last_name', 'date_of_birth', 'age_group', 'sport_type', 'team_id', 'position', 'jersey_number', 'created_at', 'updated_at'],
  doctors: ['doctor_id', 'name', 'specialization', 'email', 'created_at'],
  doctor_patient_assignments: ['doctor_id', 'patient_id', 'assignment_type', 'is_active', 'assigned_at', 'notes'],
  consultations: [
    'id', 'patient_id', 'doctor_id', 'consultation_type', 'consultation_date', 'status', 'chief_complaint', 'diagnosis',
    'prescription', 'duration_minutes', 'fee', 'next_visit_date', 'notes', 'created_at', 'updated_at',
  ],
  scans: ['scan_id', 'patient_id', 'doctor_id', 'modality', 'body_region', 'file_uri', 'sha256', 'size_bytes', 'taken_at', 'uploaded_at'],
  predictions: ['prediction_id', 'scan_id', 'result', 'stage', 'confidence', 'model_version', 'created_at'],
  reports: ['report_id', 'patient_id', 'report_type', 'status', 'priority', 'requested_by', 'requested_at', 'retry_count'],
  symptom_logs: ['log_id', 'patient_id', 'symptom_id', 'severity', 'logged_at', 'reporter_type', 'incident_context'],
  sessions: ['id', 'player_id', 'user_id', 'session_type', 'title', 'description', 'start_time', 'video_path', 'status', 'created_at', 'updated_at', 'metadata'],
  session_kpis: [
    'session_id', 'max_speed_kmh', 'avg_speed_kmh', 'speed_zones', 'total_distance_m', 'high_intensity_distance_m', 'sprint_distance_m',
    'touches', 'passes', 'pass_accuracy', 'shots', 'accelerations', 'decelerations', 'max_acceleration', 'jumps', 'training_load',
    'player_load', 'intensity_score', 'calculated_at',
  ],
};
const KPI_COLUMNS = INSERTS.session_kpis.slice(1, -1);

// Updates: key column, typed columns of the VALUES list, SET clause (t = table row, v = values).
const UPDATES = {
  patients: {
    key: 'patient_id',
    columns: [
      ['patient_id', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['date_of_birth', 'date'], ['age_group', 'text'],
      ['sport_type', 'text'], ['team_id', 'text'], ['position', 'text'], ['jersey_number', 'integer'], ['updated_at', 'timestamptz'],
    ],
    set: `first_name = coalesce(v.first_name, t.first_name), last_name = coalesce(v.last_name, t.last_name),
      date_of_birth = coalesce(v.date_of_birth, t.date_of_birth), age_group = coalesce(v.age_group, t.age_group),
      sport_type = coalesce(v.sport_type, t.sport_type), team_id = coalesce(v.team_id, t.team_id),
      position = coalesce(v.position, t.position), jersey_number = coalesce(v.jersey_number, t.jersey_number),
      updated_at = v.updated_at`,
  },
  doctor_patient_assignments: {
    key: ['doctor_id', 'patient_id'],
    columns: [['doctor_id', 'text'], ['patient_id', 'text'], ['ended_at', 'timestamptz']],
    set: 'is_active = false, ended_at = v.ended_at',
  },
  consultations: {
    key: 'id',
    columns: [['id', 'text'], ['status', 'text'], ['updated_at', 'timestamptz']],
    set: 'status = v.status, updated_at = v.updated_at',
  },
  reports: {
    key: 'report_id',
    columns: [
      ['report_id', 'text'], ['status', 'text'], ['started_at', 'timestamptz'], ['completed_at', 'timestamptz'], ['failed_at', 'timestamptz'],
      ['error_message', 'text'], ['retry_count', 'integer'], ['report_uri', 'text'],
    ],
    set: `status = v.status, started_at = coalesce(v.started_at, t.started_at), completed_at = coalesce(v.completed_at, t.completed_at),
      failed_at = coalesce(v.failed_at, t.failed_at), error_message = coalesce(v.error_message, t.error_message),
      retry_count = coalesce(v.retry_count, t.retry_count), report_uri = coalesce(v.report_uri, t.report_uri)`,
  },
  sessions: {
    key: 'id',
    columns: [['id', 'text'], ['status', 'text'], ['end_time', 'timestamptz'], ['duration_seconds', 'integer'], ['updated_at', 'timestamptz']],
    set: `status = v.status, end_time = coalesce(v.end_time, t.end_time),
      duration_seconds = coalesce(v.duration_seconds, t.duration_seconds), updated_at = v.updated_at`,
  },
};

const MAX_PARAMS = 60_000; // PostgreSQL allows 65,535 per statement

/** The multi-row statements (`{ text, values }`) that write one batch of events. */
export function statementsFor(events) {
  const inserts = Object.fromEntries(Object.keys(INSERTS).map((t) => [t, []]));
  const updates = Object.fromEntries(Object.keys(UPDATES).map((t) => [t, []]));
  const update = (table, row) => updates[table].push(row);
  for (const e of events) {
    const d = e.data;
    const at = e.metadata.occurredAt;
    switch (e.type) {
      case 'PatientRegistered':
        inserts.patients.push([d.patientId, d.firstName, d.lastName, d.dateOfBirth, d.ageGroup, d.sportType, d.teamId, d.position, d.jerseyNumber, at, at]);
        break;
      case 'PatientProfileUpdated':
        update('patients', [d.patientId, d.firstName, d.lastName, d.dateOfBirth, d.ageGroup, d.sportType, d.teamId, d.position, d.jerseyNumber, at]);
        break;
      case 'DoctorRegistered':
        inserts.doctors.push([d.doctorId, d.name, d.specialization, d.email, at]);
        break;
      case 'DoctorAssigned':
        inserts.doctor_patient_assignments.push([d.doctorId, d.patientId, d.assignmentType, true, at, d.notes]);
        break;
      case 'DoctorAssignmentEnded':
        update('doctor_patient_assignments', [d.doctorId, d.patientId, at]);
        break;
      case 'ConsultationRecorded':
        inserts.consultations.push([
          d.consultationId, d.patientId, d.doctorId, d.consultationType, d.consultationDate, d.status, d.chiefComplaint, d.diagnosis,
          d.prescription, d.durationMinutes, d.fee, d.nextVisitDate, d.notes, at, at,
        ]);
        break;
      case 'ConsultationStatusChanged':
        update('consultations', [d.consultationId, d.status, at]);
        break;
      case 'ScanUploaded':
        inserts.scans.push([d.scanId, d.patientId, d.doctorId, d.modality, d.bodyRegion, d.fileUri, d.sha256, d.sizeBytes, d.takenAt, at]);
        break;
      case 'PredictionRecorded':
        inserts.predictions.push([d.predictionId, d.scanId, d.result, d.stage, d.confidence, d.modelVersion, at]);
        break;
      case 'ReportRequested':
        inserts.reports.push([d.reportId, d.patientId, d.reportType, 'pending', d.priority, e.metadata.actor?.id, at, 0]);
        break;
      case 'ReportGenerationStarted':
        update('reports', [d.reportId, 'generating', at, null, null, null, d.retryCount, null]);
        break;
      case 'ReportGenerated':
        update('reports', [d.reportId, 'generated', null, at, null, null, null, d.reportUri]);
        break;
      case 'ReportGenerationFailed':
        update('reports', [d.reportId, 'failed', null, null, at, d.errorMessage, d.retryCount, null]);
        break;
      case 'SymptomLogged':
        inserts.symptom_logs.push([d.logId, d.patientId, d.symptomId, d.severity, d.loggedAt, d.reporterType, d.incidentContext]);
        break;
      case 'SessionStarted':
        inserts.sessions.push([
          d.sessionId, d.playerId, d.playerId, d.sessionType, d.title, d.description, d.startTime, d.videoPath, 'pending', at, at,
          d.metadata === undefined ? null : JSON.stringify(d.metadata),
        ]);
        break;
      case 'SessionCompleted':
        update('sessions', [d.sessionId, 'completed', d.endTime, d.durationSeconds, at]);
        inserts.session_kpis.push([
          d.sessionId,
          ...KPI_COLUMNS.map((k) => (k === 'speed_zones' ? (d.kpis.speed_zones === undefined ? null : JSON.stringify(d.kpis.speed_zones)) : d.kpis[k])),
          at,
        ]);
        break;
      case 'SessionFailed':
        update('sessions', [d.sessionId, 'failed', null, null, at]);
        break;
      default:
        throw new Error(`seed design: unknown event type ${e.type}`);
    }
  }
  const statements = [];
  for (const [table, rows] of Object.entries(inserts)) statements.push(...insertStatements(table, INSERTS[table], rows));
  // KPI rows reference sessions inserted above; session updates come in the waves below.
  for (const [table, rows] of Object.entries(updates)) {
    const spec = UPDATES[table];
    const keyOf = (row) => (Array.isArray(spec.key) ? JSON.stringify(spec.key.map((k) => row[spec.columns.findIndex(([c]) => c === k)])) : row[0]);
    const waves = [];
    const seen = new Map();
    for (const row of rows) {
      const k = keyOf(row);
      const wave = seen.get(k) ?? 0;
      seen.set(k, wave + 1);
      (waves[wave] ??= []).push(row);
    }
    waves.forEach((wave, i) => statements.push(...updateStatements(table, spec, wave).map((s) => ({ ...s, wave: i }))));
  }
  // every wave 0 before any wave 1, …; insert statements have no wave
  return statements.sort((a, b) => (a.wave ?? -1) - (b.wave ?? -1));
}

function insertStatements(table, columns, rows) {
  const out = [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const slice = rows.slice(i, i + per);
    const values = [];
    const tuples = slice.map((row) => `(${row.map((v) => (values.push(v ?? null), `$${values.length}`)).join(', ')})`);
    out.push({ table, text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values });
  }
  return out;
}

function updateStatements(table, spec, rows) {
  const out = [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
  const keys = Array.isArray(spec.key) ? spec.key : [spec.key];
  for (let i = 0; i < rows.length; i += per) {
    const slice = rows.slice(i, i + per);
    const values = [];
    const tuples = slice.map((row) => `(${row.map((v, j) => (values.push(v ?? null), `$${values.length}::${spec.columns[j][1]}`)).join(', ')})`);
    out.push({
      table,
      text: `UPDATE ${table} AS t SET ${spec.set} FROM (VALUES ${tuples.join(', ')}) AS v(${spec.columns.map(([c]) => c).join(', ')})
        WHERE ${keys.map((k) => `t.${k} = v.${k}`).join(' AND ')}`,
      values,
    });
  }
  return out;
}
