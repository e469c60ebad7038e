// Baseline B: the design of seeds/001 — the facts as plain rows in plain tables, with its four
// PL/pgSQL triggers keeping `patient_statistics` and `patient_timeline` up to date:
//
//   update_stats_on_consultation  AFTER INSERT ON consultations            -> total_consultations, last_visit_date
//   update_stats_on_report        AFTER INSERT OR UPDATE OF status ON report_status, when it becomes
//                                 'generated'                              -> total_reports, last_report_date
//   timeline_on_scan              AFTER INSERT ON scans                    -> a 'scan_uploaded' timeline row
//   timeline_on_prediction        AFTER INSERT ON predictions              -> a 'prediction_made' row, severity from the result
//
// The facts seed 001 has no table for go into seed 000's `symptom_log_export` and seed 002's
// `sessions` and `session_kpis`, without triggers. The tables and triggers are the importer's
// declaration of the seed-era database (apps/cli/import/legacy-schema.ts): primary keys, the
// foreign keys the seed describes (ON DELETE CASCADE) and the indexes its queries need.
//
// `statementsFor(events)` turns one batch of stored events (log order) into multi-row
// statements: INSERT … VALUES (…), (…) per table in dependency order, then multi-row
// UPDATE … FROM (VALUES …) in waves (wave k holds the k-th change of each row in the batch, so
// several changes of one row in one batch apply in order).

export const SEED_SCHEMA = 'bench_seed001';

/**
 * What the design takes from the one declaration of the seed-era database that the importer and
 * its test fixture use too (apps/cli/import/legacy-schema.ts, through dist/): the DDL (tables and
 * the four triggers) and the KPI columns of `session_kpis`. Loaded on demand, after run.mjs has
 * made sure dist/ is built.
 * @returns {Promise<{ ddl: readonly string[], kpiColumns: readonly string[] }>}
 */
export async function loadSeedDesign() {
  const { legacyDdl, legacyKpiColumns } = await import(
    new URL('../../dist/apps/cli/import/legacy-schema.js', import.meta.url).href
  );
  return { ddl: legacyDdl, kpiColumns: legacyKpiColumns };
}

/** Tables of the design, for row counts. */
export const seedTables = [
  'patients',
  'doctors',
  'doctor_patient_assignments',
  'consultations',
  'scans',
  'predictions',
  'report_status',
  'patient_statistics',
  'patient_timeline',
  'symptom_log_export',
  'sessions',
  'session_kpis',
];

/**
 * @typedef {{ type: string, data: Record<string, unknown>, metadata: { occurredAt: string, actor?: { id: string } } }} StoredEvent
 * @typedef {{ table: string, text: string, values: unknown[], wave?: number }} Statement
 * @typedef {{ key: string | string[], columns: [string, string][], set: string }} UpdateSpec
 */

// Insert order (parents first) and the columns of each insert; session_kpis (last) adds the
// declared KPI columns, see `insertColumns`.
const INSERTS = {
  patients: [
    'patient_id',
    'first_name',
    'last_name',
    'date_of_birth',
    'age_group',
    'sport_type',
    'team_id',
    'position',
    'jersey_number',
    'registered_at',
    'updated_at',
  ],
  doctors: ['doctor_id', 'name', 'specialization', 'email', 'registered_at'],
  doctor_patient_assignments: ['doctor_id', 'patient_id', 'assignment_type', 'is_active', 'assigned_at', 'notes'],
  consultations: [
    'id',
    'patient_id',
    'doctor_id',
    'consultation_type',
    'consultation_date',
    'status',
    'chief_complaint',
    'diagnosis',
    'prescription',
    'duration_minutes',
    'fee',
    'next_visit_date',
    'notes',
    'created_at',
    'updated_at',
  ],
  scans: [
    'scan_id',
    'patient_id',
    'doctor_id',
    'modality',
    'body_region',
    'file_uri',
    'sha256',
    'size_bytes',
    'taken_at',
    'uploaded_at',
  ],
  predictions: ['prediction_id', 'scan_id', 'result', 'stage', 'confidence', 'model_version', 'created_at'],
  report_status: [
    'report_id',
    'patient_id',
    'report_type',
    'status',
    'priority',
    'requested_by',
    'requested_at',
    'retry_count',
  ],
  symptom_log_export: ['log_id', 'user_id', 'symptom_id', 'severity', 'timestamp', 'reporter_type', 'incident_context'],
  sessions: [
    'id',
    'player_id',
    'user_id',
    'session_type',
    'title',
    'description',
    'start_time',
    'video_path',
    'status',
    'created_at',
    'updated_at',
    'metadata',
  ],
};

/**
 * The columns of each insert, session_kpis' from its declared KPI columns.
 * @param {readonly string[]} kpiColumns
 */
function insertColumns(kpiColumns) {
  return { ...INSERTS, session_kpis: ['session_id', ...kpiColumns, 'calculated_at'] };
}

// Updates: key column, typed columns of the VALUES list, SET clause (t = table row, v = values).
/** @type {Record<'patients' | 'doctor_patient_assignments' | 'consultations' | 'report_status' | 'sessions', UpdateSpec>} */
const UPDATES = {
  patients: {
    key: 'patient_id',
    columns: [
      ['patient_id', 'text'],
      ['first_name', 'text'],
      ['last_name', 'text'],
      ['date_of_birth', 'date'],
      ['age_group', 'text'],
      ['sport_type', 'text'],
      ['team_id', 'text'],
      ['position', 'text'],
      ['jersey_number', 'integer'],
      ['updated_at', 'timestamptz'],
    ],
    set: `first_name = coalesce(v.first_name, t.first_name), last_name = coalesce(v.last_name, t.last_name),
      date_of_birth = coalesce(v.date_of_birth, t.date_of_birth), age_group = coalesce(v.age_group, t.age_group),
      sport_type = coalesce(v.sport_type, t.sport_type), team_id = coalesce(v.team_id, t.team_id),
      position = coalesce(v.position, t.position), jersey_number = coalesce(v.jersey_number, t.jersey_number),
      updated_at = v.updated_at`,
  },
  doctor_patient_assignments: {
    key: ['doctor_id', 'patient_id'],
    columns: [
      ['doctor_id', 'text'],
      ['patient_id', 'text'],
      ['ended_at', 'timestamptz'],
    ],
    set: 'is_active = false, ended_at = v.ended_at',
  },
  consultations: {
    key: 'id',
    columns: [
      ['id', 'text'],
      ['status', 'text'],
      ['updated_at', 'timestamptz'],
    ],
    set: 'status = v.status, updated_at = v.updated_at',
  },
  report_status: {
    key: 'report_id',
    columns: [
      ['report_id', 'text'],
      ['status', 'text'],
      ['started_at', 'timestamptz'],
      ['completed_at', 'timestamptz'],
      ['failed_at', 'timestamptz'],
      ['error_message', 'text'],
      ['retry_count', 'integer'],
      ['report_uri', 'text'],
    ],
    set: `status = v.status, started_at = coalesce(v.started_at, t.started_at), completed_at = coalesce(v.completed_at, t.completed_at),
      failed_at = coalesce(v.failed_at, t.failed_at), error_message = coalesce(v.error_message, t.error_message),
      retry_count = coalesce(v.retry_count, t.retry_count), report_uri = coalesce(v.report_uri, t.report_uri)`,
  },
  sessions: {
    key: 'id',
    columns: [
      ['id', 'text'],
      ['status', 'text'],
      ['end_time', 'timestamptz'],
      ['duration_seconds', 'integer'],
      ['updated_at', 'timestamptz'],
    ],
    set: `status = v.status, end_time = coalesce(v.end_time, t.end_time),
      duration_seconds = coalesce(v.duration_seconds, t.duration_seconds), updated_at = v.updated_at`,
  },
};

const MAX_PARAMS = 60_000; // PostgreSQL allows 65,535 per statement

/**
 * The multi-row statements (`{ text, values }`) that write one batch of events.
 * @param {Iterable<StoredEvent>} events
 * @param {readonly string[]} kpiColumns the KPI columns of `session_kpis` (`loadSeedDesign`)
 * @returns {Statement[]}
 */
export function statementsFor(events, kpiColumns) {
  const columns = insertColumns(kpiColumns);
  const inserts = /** @type {Record<keyof typeof columns, unknown[][]>} */ (
    Object.fromEntries(Object.keys(columns).map((t) => [t, /** @type {unknown[][]} */ ([])]))
  );
  const updates = /** @type {Record<keyof typeof UPDATES, unknown[][]>} */ (
    Object.fromEntries(Object.keys(UPDATES).map((t) => [t, /** @type {unknown[][]} */ ([])]))
  );
  const update = (/** @type {keyof typeof UPDATES} */ table, /** @type {unknown[]} */ row) => updates[table].push(row);
  for (const e of events) {
    const d = e.data;
    const at = e.metadata.occurredAt;
    switch (e.type) {
      case 'PatientRegistered':
        inserts.patients.push([
          d.patientId,
          d.firstName,
          d.lastName,
          d.dateOfBirth,
          d.ageGroup,
          d.sportType,
          d.teamId,
          d.position,
          d.jerseyNumber,
          at,
          at,
        ]);
        break;
      case 'PatientProfileUpdated':
        update('patients', [
          d.patientId,
          d.firstName,
          d.lastName,
          d.dateOfBirth,
          d.ageGroup,
          d.sportType,
          d.teamId,
          d.position,
          d.jerseyNumber,
          at,
        ]);
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
          d.consultationId,
          d.patientId,
          d.doctorId,
          d.consultationType,
          d.consultationDate,
          d.status,
          d.chiefComplaint,
          d.diagnosis,
          d.prescription,
          d.durationMinutes,
          d.fee,
          d.nextVisitDate,
          d.notes,
          at,
          at,
        ]);
        break;
      case 'ConsultationStatusChanged':
        update('consultations', [d.consultationId, d.status, at]);
        break;
      case 'ScanUploaded':
        inserts.scans.push([
          d.scanId,
          d.patientId,
          d.doctorId,
          d.modality,
          d.bodyRegion,
          d.fileUri,
          d.sha256,
          d.sizeBytes,
          d.takenAt,
          at,
        ]);
        break;
      case 'PredictionRecorded':
        inserts.predictions.push([d.predictionId, d.scanId, d.result, d.stage, d.confidence, d.modelVersion, at]);
        break;
      case 'ReportRequested':
        inserts.report_status.push([
          d.reportId,
          d.patientId,
          d.reportType,
          'pending',
          d.priority,
          e.metadata.actor?.id,
          at,
          0,
        ]);
        break;
      case 'ReportGenerationStarted':
        update('report_status', [d.reportId, 'generating', at, null, null, null, d.retryCount, null]);
        break;
      case 'ReportGenerated':
        update('report_status', [d.reportId, 'generated', null, at, null, null, null, d.reportUri]);
        break;
      case 'ReportGenerationFailed':
        update('report_status', [d.reportId, 'failed', null, null, at, d.errorMessage, d.retryCount, null]);
        break;
      case 'SymptomLogged':
        inserts.symptom_log_export.push([
          d.logId,
          d.patientId,
          d.symptomId,
          d.severity,
          d.loggedAt,
          d.reporterType,
          d.incidentContext,
        ]);
        break;
      case 'SessionStarted':
        inserts.sessions.push([
          d.sessionId,
          d.playerId,
          d.playerId,
          d.sessionType,
          d.title,
          d.description,
          d.startTime,
          d.videoPath,
          'pending',
          at,
          at,
          d.metadata === undefined ? null : JSON.stringify(d.metadata),
        ]);
        break;
      case 'SessionCompleted': {
        update('sessions', [d.sessionId, 'completed', d.endTime, d.durationSeconds, at]);
        const kpis = /** @type {Record<string, unknown>} */ (d.kpis);
        inserts.session_kpis.push([
          d.sessionId,
          ...kpiColumns.map((k) =>
            k === 'speed_zones' ? (kpis.speed_zones === undefined ? null : JSON.stringify(kpis.speed_zones)) : kpis[k],
          ),
          at,
        ]);
        break;
      }
      case 'SessionFailed':
        update('sessions', [d.sessionId, 'failed', null, null, at]);
        break;
      default:
        throw new Error(`seed design: unknown event type ${e.type}`);
    }
  }
  /** @type {Statement[]} */
  const statements = [];
  for (const [table, rows] of Object.entries(inserts))
    statements.push(...insertStatements(table, columns[/** @type {keyof typeof columns} */ (table)], rows));
  // KPI rows reference sessions inserted above; session updates come in the waves below.
  for (const [table, rows] of Object.entries(updates)) {
    const spec = UPDATES[/** @type {keyof typeof UPDATES} */ (table)];
    const keyOf = (/** @type {unknown[]} */ row) =>
      Array.isArray(spec.key)
        ? JSON.stringify(spec.key.map((k) => row[spec.columns.findIndex(([c]) => c === k)]))
        : row[0];
    /** @type {unknown[][][]} */
    const waves = [];
    /** @type {Map<unknown, number>} */
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

/** @param {string} table @param {string[]} columns @param {unknown[][]} rows @returns {Statement[]} */
function insertStatements(table, columns, rows) {
  const out = [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const slice = rows.slice(i, i + per);
    /** @type {unknown[]} */
    const values = [];
    const tuples = slice.map((row) => `(${row.map((v) => (values.push(v ?? null), `$${values.length}`)).join(', ')})`);
    out.push({
      table,
      text: `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    });
  }
  return out;
}

/** @param {string} table @param {UpdateSpec} spec @param {unknown[][]} rows @returns {Statement[]} */
function updateStatements(table, spec, rows) {
  const out = [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
  const keys = Array.isArray(spec.key) ? spec.key : [spec.key];
  for (let i = 0; i < rows.length; i += per) {
    const slice = rows.slice(i, i + per);
    /** @type {unknown[]} */
    const values = [];
    const tuples = slice.map(
      (row) =>
        `(${row.map((v, j) => (values.push(v ?? null), `$${values.length}::${/** @type {[string, string]} */ (spec.columns[j])[1]}`)).join(', ')})`,
    );
    out.push({
      table,
      text: `UPDATE ${table} AS t SET ${spec.set} FROM (VALUES ${tuples.join(', ')}) AS v(${spec.columns.map(([c]) => c).join(', ')})
        WHERE ${keys.map((k) => `t.${k} = v.${k}`).join(' AND ')}`,
      values,
    });
  }
  return out;
}
