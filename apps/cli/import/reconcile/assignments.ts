import { code, instant, type LegacyRow } from '../rows/row-values.js';
import type { Category, Difference } from './categories.js';
import { isActive, type ImportStates } from './legacy-facts.js';

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const time = (v: unknown) => instant(v)?.getTime() ?? null;
const pairOf = (r: Readonly<Record<string, unknown>>) => `${str(r['doctor_id'])}\u0000${str(r['patient_id'])}`;

/** The compared columns, as the import reads them (codes normalised, SQLite's 1/0 as booleans). */
const columns: readonly { name: string; same: (legacy: unknown, projection: unknown) => boolean }[] = [
  { name: 'assignment_type', same: (l, p) => str(code(l)) === str(p) },
  { name: 'is_active', same: (l, p) => isActive(l) === p },
  { name: 'assigned_at', same: (l, p) => time(l) === time(p) },
  { name: 'ended_at', same: (l, p) => time(l) === time(p) },
  { name: 'notes', same: (l, p) => str(l) === str(p) },
];

/**
 * Compares `doctor_patient_assignments` pair by pair (doctor, patient). The projection also
 * keeps a pair met only in a consultation (source `consultation`): explained. An inactive
 * legacy row without `ended_at` was ended at its `assigned_at`: explained.
 */
export function compareAssignments(
  legacy: readonly LegacyRow[],
  projection: readonly Readonly<Record<string, unknown>>[],
  states: ImportStates,
): Difference[] {
  const out: Difference[] = [];
  const diff = (patientId: unknown, column: string, l: unknown, p: unknown, category: Category, note?: string) =>
    out.push({
      table: 'doctor_patient_assignments',
      patientId: str(patientId) ?? '',
      column,
      legacy: l,
      projection: p,
      category,
      ...(note ? { note } : {}),
    });
  const projected = new Map(projection.map((r) => [pairOf(r), r]));
  const pairs = new Set<string>();
  for (const l of legacy) {
    const pair = pairOf(l);
    pairs.add(pair);
    const doctor = `doctor ${str(l['doctor_id'])}`;
    const state = states.of('doctor_patient_assignments', str(l['doctor_id']) ?? '', str(l['patient_id']) ?? '');
    if (state.state !== 'in_log') {
      const category: Category = state.state === 'rejected' ? 'rejected_on_import' : 'not_imported_yet';
      diff(
        l['patient_id'],
        `${doctor} (row)`,
        'present',
        projected.has(pair) ? `from ${str(projected.get(pair)!['source'])}` : 'absent',
        category,
        state.state === 'rejected' ? state.reason : undefined,
      );
      continue;
    }
    const p = projected.get(pair);
    if (!p) {
      diff(l['patient_id'], `${doctor} (row)`, 'present', 'absent', 'missing_in_projection');
      continue;
    }
    for (const column of columns) {
      if (column.same(l[column.name], p[column.name])) continue;
      const unknownEnd =
        column.name === 'ended_at' &&
        !isActive(l['is_active']) &&
        l['ended_at'] === null &&
        time(p['ended_at']) === time(p['assigned_at']);
      diff(
        l['patient_id'],
        `${doctor} ${column.name}`,
        l[column.name],
        p[column.name],
        unknownEnd ? 'end_date_unknown' : 'fact_differs',
      );
    }
  }
  for (const p of projection) {
    if (pairs.has(pairOf(p))) continue;
    const category: Category = p['source'] === 'consultation' ? 'consultation_sourced' : 'missing_in_legacy';
    diff(p['patient_id'], `doctor ${str(p['doctor_id'])} (row)`, 'absent', `from ${str(p['source'])}`, category);
  }
  return out;
}
