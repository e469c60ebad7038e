import type { RowOutcome } from '../decide-row.js';
import type { LegacySource } from '../legacy-source.js';
import type { LegacyTableName } from '../legacy-schema.js';
import { consultationStatus } from '../rows/care.js';
import { code, firstInstant, flag, instant, numeric, type LegacyRow } from '../rows/row-values.js';

/** Where a legacy row stands with the log: in it, rejected by the import, or not imported yet. */
export type RowState = { state: 'in_log' } | { state: 'rejected'; reason: string } | { state: 'pending' };

/** What the import made (or would make) of every legacy row, from a dry run of it. */
export class ImportStates {
  private readonly byTable = new Map<LegacyTableName, Map<string, RowState>>();

  record(outcome: RowOutcome): void {
    this.set(outcome.table, outcome.key, outcome.status, outcome.reason);
    if (outcome.companion)
      this.set(outcome.companion.table, outcome.companion.key, outcome.companion.status, outcome.companion.reason);
  }

  /** The state of a row by its key values (in key order). */
  of(table: LegacyTableName, ...key: string[]): RowState {
    return this.byTable.get(table)?.get(key.join('\u0000')) ?? { state: 'pending' };
  }

  /** How many rows are not in the log yet (neither imported nor rejected). */
  pending(): number {
    let n = 0;
    for (const rows of this.byTable.values()) for (const s of rows.values()) if (s.state === 'pending') n++;
    return n;
  }

  private set(
    table: LegacyTableName,
    key: Readonly<Record<string, string>>,
    status: RowOutcome['status'],
    reason?: string,
  ): void {
    let rows = this.byTable.get(table);
    if (!rows) this.byTable.set(table, (rows = new Map()));
    const state: RowState =
      status === 'already'
        ? { state: 'in_log' }
        : status === 'rejected'
          ? { state: 'rejected', reason: reason ?? '' }
          : { state: 'pending' };
    rows.set(Object.values(key).join('\u0000'), state);
  }
}

/** A legacy consultation as the explanations need it. */
export type ConsultationFact = { id: string; doctorId: string; date: number | null; status: string; row: RowState };
/** A legacy report. `generatedAt` is the time the import gives its ReportGenerated. */
export type ReportFact = {
  id: string;
  status: string;
  completedAt: number | null;
  generatedAt: number | null;
  row: RowState;
};
/** A legacy scan: `at` is its timeline date (taken_at, else uploaded_at). */
export type ScanFact = { id: string; doctorId: string | null; at: number | null; row: RowState };
/** A legacy prediction, in the order it was made. */
export type PredictionFact = { id: string; scanId: string; result: string; stage: number | null; row: RowState };
/** A legacy assignment row. */
export type AssignmentFact = { doctorId: string; row: RowState };

/** Everything the legacy rows say about one patient, each row with its import state. */
export type PatientFacts = {
  patient: RowState | null;
  consultations: ConsultationFact[];
  reports: ReportFact[];
  scans: ScanFact[];
  predictions: PredictionFact[];
  assignments: AssignmentFact[];
};

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const ms = (v: unknown) => instant(v)?.getTime() ?? null;

/** Reads the legacy source rows behind the trigger-kept tables, per patient. */
export async function readPatientFacts(source: LegacySource, states: ImportStates): Promise<Map<string, PatientFacts>> {
  const facts = new Map<string, PatientFacts>();
  const of = (patientId: string) => {
    let f = facts.get(patientId);
    if (!f)
      facts.set(
        patientId,
        (f = { patient: null, consultations: [], reports: [], scans: [], predictions: [], assignments: [] }),
      );
    return f;
  };
  for (const r of await all(source, 'patients', ['patient_id'], ['patient_id']))
    of(str(r['patient_id'])).patient = states.of('patients', str(r['patient_id']));
  for (const r of await all(
    source,
    'consultations',
    ['id', 'patient_id', 'doctor_id', 'consultation_date', 'status'],
    ['consultation_date', 'id'],
  ))
    of(str(r['patient_id'])).consultations.push({
      id: str(r['id']),
      doctorId: str(r['doctor_id']),
      date: ms(r['consultation_date']),
      status: str(consultationStatus(r['status'])),
      row: states.of('consultations', str(r['id'])),
    });
  const reportColumns = ['report_id', 'patient_id', 'status', 'requested_at', 'started_at', 'completed_at'];
  for (const r of await all(source, 'report_status', reportColumns, ['requested_at', 'report_id']))
    of(str(r['patient_id'])).reports.push({
      id: str(r['report_id']),
      status: str(code(r['status'])),
      completedAt: ms(r['completed_at']),
      generatedAt: firstInstant(r['completed_at'], r['started_at'], r['requested_at'])?.getTime() ?? null,
      row: states.of('report_status', str(r['report_id'])),
    });
  const scanPatient = new Map<string, string>();
  for (const r of await all(
    source,
    'scans',
    ['scan_id', 'patient_id', 'doctor_id', 'taken_at', 'uploaded_at'],
    ['uploaded_at', 'scan_id'],
  )) {
    scanPatient.set(str(r['scan_id']), str(r['patient_id']));
    of(str(r['patient_id'])).scans.push({
      id: str(r['scan_id']),
      doctorId: r['doctor_id'] === null ? null : str(r['doctor_id']),
      at: firstInstant(r['taken_at'], r['uploaded_at'])?.getTime() ?? null,
      row: states.of('scans', str(r['scan_id'])),
    });
  }
  for (const r of await all(
    source,
    'predictions',
    ['prediction_id', 'scan_id', 'result', 'stage'],
    ['created_at', 'prediction_id'],
  )) {
    const patientId = scanPatient.get(str(r['scan_id']));
    if (patientId === undefined) continue; // a prediction without a scan belongs to no patient
    const stage = numeric(r['stage']);
    of(patientId).predictions.push({
      id: str(r['prediction_id']),
      scanId: str(r['scan_id']),
      result: str(code(r['result'])),
      stage: typeof stage === 'number' ? stage : null,
      row: states.of('predictions', str(r['prediction_id'])),
    });
  }
  for (const r of await all(
    source,
    'doctor_patient_assignments',
    ['doctor_id', 'patient_id'],
    ['patient_id', 'doctor_id'],
  ))
    of(str(r['patient_id'])).assignments.push({
      doctorId: str(r['doctor_id']),
      row: states.of('doctor_patient_assignments', str(r['doctor_id']), str(r['patient_id'])),
    });
  return facts;
}

/** Every row of a legacy table (seed column names), in order. */
export async function all(
  source: LegacySource,
  table: LegacyTableName,
  columns: readonly string[],
  orderBy: readonly string[],
): Promise<LegacyRow[]> {
  const rows: LegacyRow[] = [];
  for await (const chunk of source.rows({ table, read: { required: columns, optional: [], orderBy } }, 5000))
    rows.push(...chunk);
  return rows;
}

/** `is_active` as a boolean (SQLite's 1/0 included); an unreadable value counts as active, as the import does. */
export function isActive(value: unknown): boolean {
  return flag(value ?? true) !== false;
}
