/**
 * The trigger-era database as the seeds describe it (SPEC §11): the tables of seeds/001 with
 * its four triggers, seeds/002's sessions and KPIs, seeds/000's exports. Declared once, here:
 * the importer's default map is its column names, the reconcile's explanations name its
 * triggers, and the test fixture (`test/fixtures/legacy/`) and both benchmarks
 * (`bench/import/`, `bench/projections/seed-design.mjs`, through `dist/`) build their legacy
 * tables from `legacyDdl`.
 *
 * Column sets: `patients` and `doctors` carry the columns of SPEC §4's tables, `scans` and
 * `predictions` the fields of SPEC §2's commands, the rest the seeds' own. Times are
 * `timestamptz`; the seeds' SQLite `is_active = 1` is a boolean here (the importer reads both).
 */

/** The legacy tables, by their seed names, parents first. */
export const legacyTableNames = [
  'patients',
  'doctors',
  'doctor_patient_assignments',
  'consultations',
  'scans',
  'predictions',
  'report_status',
  'patient_statistics',
  'patient_timeline',
  'sessions',
  'session_kpis',
  'symptom_log_export',
  'tracker_export',
] as const;

/** A legacy table, by its seed name. */
export type LegacyTableName = (typeof legacyTableNames)[number];

/** True for a seed table name. */
export function isLegacyTableName(name: string): name is LegacyTableName {
  return (legacyTableNames as readonly string[]).includes(name);
}

/** One table: its columns (name and SQL type with column constraints), table constraints, indexes. */
export type LegacyTable = {
  name: LegacyTableName;
  columns: readonly (readonly [name: string, definition: string])[];
  constraints?: readonly string[];
  indexes?: readonly string[];
};

const kpiColumns = [
  ['max_speed_kmh', 'double precision'],
  ['avg_speed_kmh', 'double precision'],
  ['speed_zones', 'jsonb'],
  ['total_distance_m', 'double precision'],
  ['high_intensity_distance_m', 'double precision'],
  ['sprint_distance_m', 'double precision'],
  ['touches', 'integer'],
  ['passes', 'integer'],
  ['pass_accuracy', 'double precision'],
  ['shots', 'integer'],
  ['accelerations', 'integer'],
  ['decelerations', 'integer'],
  ['max_acceleration', 'double precision'],
  ['jumps', 'integer'],
  ['training_load', 'double precision'],
  ['player_load', 'double precision'],
  ['intensity_score', 'double precision'],
] as const;

/** The KPI columns of `session_kpis` (seed 002), in its order. */
export const legacyKpiColumns: readonly string[] = kpiColumns.map(([name]) => name);

/** Every legacy table, parents first (the order to create and fill them). */
export const legacyTables: readonly LegacyTable[] = [
  {
    name: 'patients',
    columns: [
      ['patient_id', 'text PRIMARY KEY'],
      ['first_name', 'text NOT NULL'],
      ['last_name', 'text NOT NULL'],
      ['date_of_birth', 'date'],
      ['age_group', 'text'],
      ['sport_type', 'text'],
      ['team_id', 'text'],
      ['position', 'text'],
      ['jersey_number', 'integer'],
      ['registered_at', 'timestamptz NOT NULL DEFAULT now()'],
      ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
  },
  {
    name: 'doctors',
    columns: [
      ['doctor_id', 'text PRIMARY KEY'],
      ['name', 'text NOT NULL'],
      ['specialization', 'text'],
      ['email', 'text'],
      ['registered_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
  },
  {
    name: 'doctor_patient_assignments',
    columns: [
      ['doctor_id', 'text NOT NULL REFERENCES doctors ON DELETE CASCADE'],
      ['patient_id', 'text NOT NULL REFERENCES patients ON DELETE CASCADE'],
      ['assignment_type', 'text NOT NULL'],
      ['is_active', 'boolean NOT NULL DEFAULT true'],
      ['assigned_at', 'timestamptz NOT NULL DEFAULT now()'],
      ['ended_at', 'timestamptz'],
      ['notes', 'text'],
    ],
    constraints: ['PRIMARY KEY (doctor_id, patient_id)'],
    indexes: [
      'CREATE INDEX doctor_patient_assignments_patient_idx ON doctor_patient_assignments (patient_id, is_active)',
    ],
  },
  {
    name: 'consultations',
    columns: [
      ['id', 'text PRIMARY KEY'],
      ['patient_id', 'text NOT NULL REFERENCES patients ON DELETE CASCADE'],
      ['doctor_id', 'text NOT NULL REFERENCES doctors ON DELETE CASCADE'],
      ['consultation_type', 'text NOT NULL'],
      ['consultation_date', 'timestamptz NOT NULL'],
      ['status', "text NOT NULL DEFAULT 'scheduled'"],
      ['chief_complaint', 'text'],
      ['diagnosis', 'text'],
      ['prescription', 'text'],
      ['duration_minutes', 'integer'],
      ['fee', 'numeric(10,2)'],
      ['next_visit_date', 'date'],
      ['notes', 'text'],
      ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
      ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
    indexes: [
      'CREATE INDEX consultations_patient_date_idx ON consultations (patient_id, consultation_date DESC)',
      'CREATE INDEX consultations_doctor_idx ON consultations (doctor_id)',
    ],
  },
  {
    name: 'scans',
    columns: [
      ['scan_id', 'text PRIMARY KEY'],
      ['patient_id', 'text NOT NULL REFERENCES patients ON DELETE CASCADE'],
      ['doctor_id', 'text'],
      ['modality', "text NOT NULL DEFAULT 'MRI'"],
      ['body_region', 'text'],
      ['file_uri', 'text NOT NULL'],
      ['sha256', 'text NOT NULL'],
      ['size_bytes', 'bigint NOT NULL'],
      ['taken_at', 'timestamptz'],
      ['uploaded_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
    indexes: ['CREATE INDEX scans_patient_idx ON scans (patient_id)'],
  },
  {
    name: 'predictions',
    columns: [
      ['prediction_id', 'text PRIMARY KEY'],
      ['scan_id', 'text NOT NULL REFERENCES scans ON DELETE CASCADE'],
      ['result', 'text NOT NULL'],
      ['stage', 'integer'],
      ['confidence', 'double precision NOT NULL'],
      ['model_version', 'text NOT NULL'],
      ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
    indexes: ['CREATE INDEX predictions_scan_idx ON predictions (scan_id)'],
  },
  {
    name: 'report_status',
    columns: [
      ['report_id', 'text PRIMARY KEY'],
      ['patient_id', 'text NOT NULL REFERENCES patients ON DELETE CASCADE'],
      ['report_type', 'text NOT NULL'],
      ['status', "text NOT NULL DEFAULT 'pending'"],
      ['priority', 'integer NOT NULL DEFAULT 3'],
      ['requested_by', 'text'],
      ['requested_at', 'timestamptz NOT NULL DEFAULT now()'],
      ['started_at', 'timestamptz'],
      ['completed_at', 'timestamptz'],
      ['failed_at', 'timestamptz'],
      ['error_message', 'text'],
      ['retry_count', 'integer NOT NULL DEFAULT 0'],
      ['report_uri', 'text'],
    ],
    indexes: [
      'CREATE INDEX report_status_status_idx ON report_status (status, requested_at)',
      'CREATE INDEX report_status_patient_idx ON report_status (patient_id, requested_at)',
    ],
  },
  {
    name: 'patient_statistics',
    columns: [
      ['patient_id', 'text PRIMARY KEY REFERENCES patients ON DELETE CASCADE'],
      ['total_consultations', 'integer NOT NULL DEFAULT 0'],
      ['total_scans', 'integer NOT NULL DEFAULT 0'],
      ['total_predictions', 'integer NOT NULL DEFAULT 0'],
      ['total_reports', 'integer NOT NULL DEFAULT 0'],
      ['unique_doctors', 'integer NOT NULL DEFAULT 0'],
      ['first_visit_date', 'timestamptz'],
      ['last_visit_date', 'timestamptz'],
      ['last_scan_date', 'timestamptz'],
      ['last_report_date', 'timestamptz'],
      ['parkinsons_status', 'text'],
      ['parkinsons_stage', 'integer'],
      ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
    indexes: ['CREATE INDEX patient_statistics_last_visit_idx ON patient_statistics (last_visit_date DESC NULLS LAST)'],
  },
  {
    name: 'patient_timeline',
    columns: [
      ['id', 'bigserial PRIMARY KEY'],
      ['patient_id', 'text NOT NULL REFERENCES patients ON DELETE CASCADE'],
      ['event_type', 'text NOT NULL'],
      ['event_date', 'timestamptz NOT NULL'],
      ['title', 'text NOT NULL'],
      ['description', 'text'],
      ['severity', 'text NOT NULL'],
      ['source_type', 'text NOT NULL'],
      ['source_id', 'text NOT NULL'],
      ['doctor_id', 'text'],
    ],
    indexes: ['CREATE INDEX patient_timeline_patient_date_idx ON patient_timeline (patient_id, event_date DESC)'],
  },
  {
    name: 'sessions',
    columns: [
      ['id', 'text PRIMARY KEY'],
      ['player_id', 'text NOT NULL REFERENCES patients ON DELETE CASCADE'],
      ['user_id', 'text'],
      ['session_type', 'text NOT NULL'],
      ['title', 'text'],
      ['description', 'text'],
      ['start_time', 'timestamptz'],
      ['end_time', 'timestamptz'],
      ['duration_seconds', 'integer'],
      ['video_path', 'text'],
      ['status', "text NOT NULL DEFAULT 'pending'"],
      ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
      ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
      ['metadata', 'jsonb'],
    ],
    indexes: [
      'CREATE INDEX sessions_player_idx ON sessions (player_id, created_at DESC)',
      'CREATE INDEX sessions_created_at_idx ON sessions (created_at DESC)',
      'CREATE INDEX sessions_status_idx ON sessions (status, session_type)',
    ],
  },
  {
    name: 'session_kpis',
    columns: [
      ['id', 'serial PRIMARY KEY'],
      ['session_id', 'text NOT NULL REFERENCES sessions ON DELETE CASCADE'],
      ...kpiColumns,
      ['calculated_at', 'timestamptz NOT NULL DEFAULT now()'],
    ],
    indexes: ['CREATE UNIQUE INDEX session_kpis_session_idx ON session_kpis (session_id)'],
  },
  {
    name: 'symptom_log_export',
    columns: [
      ['log_id', 'text PRIMARY KEY'],
      ['user_id', 'text NOT NULL'],
      ['symptom_id', 'text NOT NULL'],
      ['severity', 'integer NOT NULL'],
      ['timestamp', 'timestamptz NOT NULL'],
      ['reporter_type', 'text'],
      ['incident_context', 'text'],
    ],
    indexes: [
      'CREATE INDEX symptom_log_export_timestamp_idx ON symptom_log_export ("timestamp", log_id)',
      'CREATE INDEX symptom_log_export_user_idx ON symptom_log_export (user_id, "timestamp")',
    ],
  },
  {
    name: 'tracker_export',
    columns: [
      ['user_id', 'text PRIMARY KEY'],
      ['current_stage', 'text'],
      ['last_updated', 'timestamptz'],
      ['triage_level', 'text'],
      ['age_group', 'text'],
      ['sport_type', 'text'],
      ['team_id', 'text'],
      ['incident_context', 'text'],
      ['reporter_type', 'text'],
    ],
  },
];

/**
 * The four triggers of seeds/001 ("Automatic Triggers"), as PL/pgSQL: the intended versions
 * (the latest date wins, GREATEST, not the last row inserted; prediction severity as SPEC §4).
 * Unqualified names resolve through the writer's `search_path`, as in the seed's own database.
 *
 *   update_stats_on_consultation  AFTER INSERT ON consultations  -> total_consultations +1, last_visit_date
 *                                 (every new consultation, whatever its status)
 *   update_stats_on_report        AFTER INSERT OR UPDATE OF status ON report_status, when it becomes
 *                                 'generated'                   -> total_reports +1, last_report_date
 *   timeline_on_scan              AFTER INSERT ON scans          -> a 'scan_uploaded' timeline row
 *   timeline_on_prediction        AFTER INSERT ON predictions    -> a 'prediction_made' row, severity from the result
 */
export const legacyTriggers: readonly string[] = [
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
  `CREATE TRIGGER update_stats_on_report AFTER INSERT OR UPDATE OF status ON report_status
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

/** `CREATE TABLE` of one legacy table (unqualified: run with the target schema on the search_path). */
export function createTableSql(table: LegacyTable): string {
  const lines = [
    ...table.columns.map(([name, definition]) => `${quoteIdent(name)} ${definition}`),
    ...(table.constraints ?? []),
  ];
  return `CREATE TABLE ${table.name} (\n  ${lines.join(',\n  ')}\n)`;
}

/**
 * Every statement that builds the legacy database: tables with their indexes (parents first),
 * then the four triggers. Unqualified; run them with the target schema first on the search_path.
 *
 * @example for (const statement of legacyDdl) await client.query(statement);
 */
export const legacyDdl: readonly string[] = [
  ...legacyTables.flatMap((table) => [createTableSql(table), ...(table.indexes ?? [])]),
  ...legacyTriggers,
];

/** The table's declaration; throws for a name that is not a legacy table. */
export function legacyTable(name: LegacyTableName): LegacyTable {
  const table = legacyTables.find((t) => t.name === name);
  if (!table) throw new Error(`no legacy table ${name}`);
  return table;
}

/** The column names of one legacy table, in order. */
export function legacyColumns(name: LegacyTableName): string[] {
  return legacyTable(name).columns.map(([column]) => column);
}

/** A double-quoted SQL identifier (`timestamp` is a keyword, legacy names may be anything). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
