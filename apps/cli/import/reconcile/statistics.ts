import { instant } from '../rows/row-values.js';
import type { Category, Difference } from './categories.js';
import type { PatientFacts, RowState } from './legacy-facts.js';

type Value = number | string | null;
type Kind = 'count' | 'time' | 'text';

/**
 * One column of `patient_statistics` as seed 001 has it: what its trigger makes of the legacy
 * rows (`trigger`, only for the two columns a trigger keeps), what the legacy rows themselves
 * give (`fromRows`, for a value a one-off migration may have computed), what the projection
 * must give from the rows the import took (`fromImported`), and which legacy rows bear on it.
 */
type StatisticsColumn = {
  name: string;
  kind: Kind;
  trigger?: (f: PatientFacts) => Value;
  fromRows: (f: PatientFacts) => Value;
  fromImported: (f: PatientFacts) => Value;
  /** the legacy rows the column is computed from, for the reasons of a difference */
  sources: (f: PatientFacts) => RowState[];
  /** whether rows with another status than completed bear on it (the consultation columns) */
  byStatus?: (f: PatientFacts) => boolean;
  /** whether the import had to date an event by a fallback time */
  fallback?: (f: PatientFacts) => boolean;
};

const inLog = (s: RowState) => s.state === 'in_log';
const max = (values: (number | null)[]) =>
  values.reduce<number | null>((m, v) => (v !== null && (m === null || v > m) ? v : m), null);
const min = (values: (number | null)[]) =>
  values.reduce<number | null>((m, v) => (v !== null && (m === null || v < m) ? v : m), null);
const imported = <T extends { row: RowState }>(rows: T[]) => rows.filter((r) => inLog(r.row));
const completed = (f: PatientFacts) => imported(f.consultations).filter((c) => c.status === 'completed');
const generated = <T extends { status: string }>(rows: T[]) => rows.filter((r) => r.status === 'generated');
const last = <T>(rows: T[]) => rows[rows.length - 1];
const notCompleted = (f: PatientFacts) => imported(f.consultations).some((c) => c.status !== 'completed');

/** The columns of seed 001's `patient_statistics` (updated_at is wall-clock time there: not compared). */
export const statisticsColumns: readonly StatisticsColumn[] = [
  {
    name: 'total_consultations',
    kind: 'count',
    trigger: (f) => f.consultations.length,
    fromRows: (f) => f.consultations.length,
    fromImported: (f) => completed(f).length,
    sources: (f) => f.consultations.map((c) => c.row),
    byStatus: notCompleted,
  },
  {
    name: 'last_visit_date',
    kind: 'time',
    trigger: (f) => max(f.consultations.map((c) => c.date)),
    fromRows: (f) => max(f.consultations.map((c) => c.date)),
    fromImported: (f) => max(completed(f).map((c) => c.date)),
    sources: (f) => f.consultations.map((c) => c.row),
    byStatus: notCompleted,
  },
  {
    name: 'first_visit_date',
    kind: 'time',
    fromRows: (f) => min(f.consultations.map((c) => c.date)),
    fromImported: (f) => min(completed(f).map((c) => c.date)),
    sources: (f) => f.consultations.map((c) => c.row),
    byStatus: notCompleted,
  },
  {
    name: 'total_reports',
    kind: 'count',
    trigger: (f) => generated(f.reports).length,
    fromRows: (f) => generated(f.reports).length,
    fromImported: (f) => generated(imported(f.reports)).length,
    sources: (f) => f.reports.map((r) => r.row),
  },
  {
    name: 'last_report_date',
    kind: 'time',
    trigger: (f) => max(generated(f.reports).map((r) => r.completedAt)),
    fromRows: (f) => max(generated(f.reports).map((r) => r.completedAt)),
    fromImported: (f) => max(generated(imported(f.reports)).map((r) => r.generatedAt)),
    sources: (f) => f.reports.map((r) => r.row),
    fallback: (f) => generated(imported(f.reports)).some((r) => r.completedAt === null),
  },
  {
    name: 'total_scans',
    kind: 'count',
    fromRows: (f) => f.scans.length,
    fromImported: (f) => imported(f.scans).length,
    sources: (f) => f.scans.map((s) => s.row),
  },
  {
    name: 'total_predictions',
    kind: 'count',
    fromRows: (f) => f.predictions.length,
    fromImported: (f) => imported(f.predictions).length,
    sources: (f) => f.predictions.map((p) => p.row),
  },
  {
    name: 'unique_doctors',
    kind: 'count',
    fromRows: (f) => new Set([...f.consultations.map((c) => c.doctorId), ...f.assignments.map((a) => a.doctorId)]).size,
    fromImported: (f) =>
      new Set([...imported(f.consultations).map((c) => c.doctorId), ...imported(f.assignments).map((a) => a.doctorId)])
        .size,
    sources: (f) => [...f.consultations.map((c) => c.row), ...f.assignments.map((a) => a.row)],
  },
  {
    name: 'last_scan_date',
    kind: 'time',
    fromRows: (f) => max(f.scans.map((s) => s.at)),
    fromImported: (f) => max(imported(f.scans).map((s) => s.at)),
    sources: (f) => f.scans.map((s) => s.row),
  },
  {
    name: 'parkinsons_status',
    kind: 'text',
    fromRows: (f) => last(f.predictions)?.result ?? null,
    fromImported: (f) => last(imported(f.predictions))?.result ?? null,
    sources: (f) => f.predictions.map((p) => p.row),
  },
  {
    name: 'parkinsons_stage',
    kind: 'count',
    fromRows: (f) => last(f.predictions)?.stage ?? null,
    fromImported: (f) => last(imported(f.predictions))?.stage ?? null,
    sources: (f) => f.predictions.map((p) => p.row),
  },
];

/** A column's value, normalised for comparison: counts as numbers, times as epoch ms (the log keeps ms). */
function normal(kind: Kind, value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (kind === 'time') return typeof value === 'number' ? value : (instant(value)?.getTime() ?? String(value));
  if (kind === 'count') return Number(value);
  return String(value);
}

const isDefault = (kind: Kind, value: Value) => value === null || (kind === 'count' && value === 0);

/** A value for people: times as ISO text. */
function shown(kind: Kind, value: Value): unknown {
  return kind === 'time' && typeof value === 'number' ? new Date(value).toISOString() : value;
}

/** Why the legacy rows and the imported ones give different values: rejected, pending, or by status. */
function reasons(column: StatisticsColumn, f: PatientFacts): Category[] {
  const states = column.sources(f);
  const found: Category[] = [];
  if (states.some((s) => s.state === 'pending')) found.push('not_imported_yet');
  if (states.some((s) => s.state === 'rejected')) found.push('rejected_on_import');
  if (column.byStatus?.(f)) found.push('counts_every_status');
  if (column.fallback?.(f)) found.push('time_fallback');
  return found;
}

/**
 * The differences of one patient's statistics row, column by column: a difference is explained
 * when the legacy value is what the seed's triggers make of the legacy rows, the projection's is
 * what the projection makes of the rows the import took, and a known reason separates the two.
 */
export function compareStatistics(
  patientId: string,
  legacy: Readonly<Record<string, unknown>> | undefined,
  projection: Readonly<Record<string, unknown>> | undefined,
  f: PatientFacts,
): Difference[] {
  const diff = (column: string, l: unknown, p: unknown, category: Category, note?: string): Difference => ({
    table: 'patient_statistics',
    patientId,
    column,
    legacy: l,
    projection: p,
    category,
    ...(note ? { note } : {}),
  });
  const out: Difference[] = [];
  if (!projection) {
    const category: Category =
      f.patient?.state === 'rejected'
        ? 'rejected_on_import'
        : f.patient?.state === 'pending'
          ? 'not_imported_yet'
          : 'missing_in_projection';
    const note =
      f.patient?.state === 'rejected'
        ? `patient rejected: ${f.patient.reason}`
        : f.patient
          ? undefined
          : 'no such patient in the legacy patients table';
    return [diff('(row)', 'present', 'absent', category, note)];
  }
  if (!legacy) {
    const needed = f.consultations.length > 0 || generated(f.reports).length > 0;
    out.push(diff('(row)', 'absent', 'present', needed ? 'legacy_row_missing' : 'no_legacy_row'));
  }
  for (const column of statisticsColumns) {
    const p = normal(column.kind, projection[column.name]);
    const m = column.fromImported(f);
    if (p !== m) {
      out.push(
        diff(
          column.name,
          legacy ? shown(column.kind, normal(column.kind, legacy[column.name])) : null,
          shown(column.kind, p),
          'projection_differs_from_import',
          `the imported rows give ${String(shown(column.kind, m))}`,
        ),
      );
      continue;
    }
    if (!legacy) continue;
    const l = normal(column.kind, legacy[column.name]);
    if (l === p) continue;
    const expected = column.trigger ? column.trigger(f) : column.fromRows(f);
    let category: Category;
    let note: string | undefined;
    if (!column.trigger && isDefault(column.kind, l)) category = 'not_kept_by_triggers';
    else if (l !== expected) {
      category = 'legacy_differs_from_its_rows';
      note = `the legacy rows give ${String(shown(column.kind, expected))}`;
    } else {
      const why = reasons(column, f);
      category = why[0] ?? 'legacy_differs_from_its_rows';
      if (why.length > 1) note = `also: ${why.slice(1).join(', ')}`;
      if (why.length === 0) note = 'the legacy and the imported rows agree, yet the values differ';
    }
    out.push(diff(column.name, shown(column.kind, l), shown(column.kind, p), category, note));
  }
  return out;
}
