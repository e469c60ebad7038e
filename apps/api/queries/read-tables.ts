import type { Column, Columns as TableColumns, SqlType, Table } from '../../../libs/projection-engine/table.js';
import { consultationsTable } from '../../../projections/consultations/consultations.tables.js';
import { assignmentsTable } from '../../../projections/doctor-patient-assignments/doctor-patient-assignments.tables.js';
import { doctorsTable } from '../../../projections/doctors/doctors.tables.js';
import { patientStatisticsTable } from '../../../projections/patient-statistics/patient-statistics.tables.js';
import { patientTimelineTable } from '../../../projections/patient-timeline/patient-timeline.tables.js';
import { patientsTable } from '../../../projections/patients/patients.tables.js';
import { reportStatusTable } from '../../../projections/report-status/report-status.tables.js';
import { sessionKpisTable } from '../../../projections/session-kpis/session-kpis.tables.js';
import { sessionsTable } from '../../../projections/sessions/sessions.tables.js';
import { symptomLogExportTable } from '../../../projections/symptom-log-export/symptom-log-export.tables.js';
import { trackerExportTable } from '../../../projections/tracker-export/tracker-export.tables.js';
import type { ColumnKind, Columns } from './columns.js';

/*
 * The columns each query serves, named as the read tables of SPEC §4 name them (snake_case),
 * so a JSON field, a CSV header and a seed query's column are the same word. Each list derives
 * from the table's one declaration in projections/ (`servedColumns`): a column added there is
 * served here, with its type and nullability.
 */

type KindOf<S extends SqlType> = S extends 'text'
  ? 'text'
  : S extends 'integer'
    ? 'integer'
    : S extends 'numeric' | 'double precision'
      ? 'number'
      : S extends 'boolean'
        ? 'boolean'
        : S extends 'date'
          ? 'date'
          : S extends 'timestamptz'
            ? 'time'
            : 'json';

type SpecOf<C> = C extends Column<unknown, infer N, infer S> ? (N extends true ? `${KindOf<S>}?` : KindOf<S>) : never;

/** The served column list of a declared table's columns: `{ patient_id: 'text', date_of_birth: 'date?', … }`. */
export type Served<C extends TableColumns> = { -readonly [K in keyof C]: SpecOf<C[K]> };

const kindOfSql: Record<SqlType, ColumnKind> = {
  text: 'text',
  integer: 'integer',
  numeric: 'number',
  'double precision': 'number',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'time',
  jsonb: 'json',
};

/** Every column of a declared table, as the query layer serves it. */
export function servedColumns<R extends object, C extends TableColumns>(table: Table<R, C>): Served<C> {
  return Object.fromEntries(
    Object.entries(table.columns).map(([name, column]) => [
      name,
      `${kindOfSql[column.sqlType]}${column.allowsNull ? '?' : ''}`,
    ]),
  ) as Served<C>;
}

/** Some of a column list, in the given order. */
function pick<C extends Columns, const K extends keyof C & string>(columns: C, keys: readonly K[]): { [P in K]: C[P] } {
  return Object.fromEntries(keys.map((k) => [k, columns[k]])) as { [P in K]: C[P] };
}

type Nullable<C extends Columns> = { [K in keyof C]: C[K] extends `${string}?` ? C[K] : `${C[K]}?` };

/** The same columns, every one nullable (the outer side of a LEFT JOIN). */
function nullable<C extends Columns>(columns: C): Nullable<C> {
  return Object.fromEntries(
    Object.entries(columns).map(([k, spec]) => [k, spec.endsWith('?') ? spec : `${spec}?`]),
  ) as Nullable<C>;
}

/** `patients` (SPEC §4), with `erased_at` (SPEC §9: set when the patient was erased; names and birth date are then `null`). */
export const patientColumns = servedColumns(patientsTable) satisfies Columns;

/** `patient_statistics` (SPEC §4); the `*_date` columns are instants. */
export const statisticsColumns = servedColumns(patientStatisticsTable) satisfies Columns;

/** `patient_timeline` (SPEC §4); `description_erased` is the projection's own (it replaces `description` on erasure), not served. */
export const timelineColumns = pick(servedColumns(patientTimelineTable), [
  'event_id',
  'patient_id',
  'event_date',
  'event_type',
  'title',
  'description',
  'severity',
  'source_type',
  'source_id',
  'doctor_id',
]) satisfies Columns;

/** The assignment part of `doctor_patient_assignments` (without its two keys). */
export const assignmentColumns = pick(servedColumns(assignmentsTable), [
  'assignment_type',
  'is_active',
  'assigned_at',
  'ended_at',
  'notes',
  'source',
]) satisfies Columns;

/** A doctor as `/patients/{id}/doctors` shows it (null when the doctors table lags). */
export const doctorSummaryColumns = nullable(
  pick(servedColumns(doctorsTable), ['name', 'specialization', 'email']),
) satisfies Columns;

/** A patient as `/doctors/{id}/patients` shows it (null when the patients table lags). */
export const patientSummaryColumns = nullable(
  pick(servedColumns(patientsTable), [
    'first_name',
    'last_name',
    'age_group',
    'sport_type',
    'team_id',
    'position',
    'jersey_number',
  ]),
) satisfies Columns;

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
export const consultationColumns = servedColumns(consultationsTable) satisfies Columns;

/** One row of `/patients/{id}/consultations`: seed 001's query 5 (`c.*, d.name AS doctor_name`). */
export const patientConsultationColumns = { ...consultationColumns, doctor_name: 'text?' } as const satisfies Columns;

/** `report_status` (SPEC §4). */
export const reportColumns = servedColumns(reportStatusTable) satisfies Columns;

/** `sessions` (seed 002, SPEC §4). */
export const sessionColumns = servedColumns(sessionsTable) satisfies Columns;

/** `session_kpis` (seed 002, SPEC §4): a KPI the completion did not send is null. */
export const sessionKpiColumns = servedColumns(sessionKpisTable) satisfies Columns;

/** `tracker_export` (seed 000, SPEC §4). */
export const trackerExportColumns = servedColumns(trackerExportTable) satisfies Columns;

/** `symptom_log_export` (seed 000, SPEC §4); `timestamp` is the log's loggedAt. */
export const symptomLogExportColumns = servedColumns(symptomLogExportTable) satisfies Columns;
