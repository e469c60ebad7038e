import type { LegacyTableName } from '../legacy-schema.js';
import { instant } from '../rows/row-values.js';
import type { Category, Difference } from './categories.js';
import type { ImportStates, RowState } from './legacy-facts.js';

/** A timeline entry, legacy or projected (seed column names, values as JSON). */
export type TimelineEntry = Readonly<Record<string, unknown>>;

/** The entries the seed's triggers write: one per scan and one per prediction. */
export const TRIGGER_KINDS: readonly string[] = ['scan_uploaded', 'prediction_made'];

/** The legacy table an entry's source row lives in. */
const sourceTables: Readonly<Record<string, LegacyTableName>> = {
  scan: 'scans',
  prediction: 'predictions',
  report: 'report_status',
  consultation: 'consultations',
  patient: 'patients',
  session: 'sessions',
  symptom_log: 'symptom_log_export',
};

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const keyOf = (e: TimelineEntry) => `${str(e['event_type'])} ${str(e['source_type'])}:${str(e['source_id'])}`;
const facts: readonly { column: string; same: (a: unknown, b: unknown) => boolean }[] = [
  { column: 'patient_id', same: (a, b) => str(a) === str(b) },
  { column: 'event_date', same: (a, b) => (instant(a)?.getTime() ?? null) === (instant(b)?.getTime() ?? null) },
  { column: 'severity', same: (a, b) => str(a) === str(b) },
  { column: 'doctor_id', same: (a, b) => str(a) === str(b) },
];

/**
 * Compares the legacy timeline with the projection's, entry by entry (matched by event type and
 * source): each legacy entry must be in the projection with the same patient, date, severity
 * and doctor, unless the import rejected its source; the projection's entries of the kinds the
 * triggers write must be in the legacy timeline; other kinds, and the wording, are explained.
 *
 * @param projected the projection's entries of the trigger kinds and of every kind the legacy timeline has
 * @param otherKinds the projection's count of entries of every other kind, by patient and kind
 */
export function compareTimeline(
  legacy: readonly TimelineEntry[],
  projected: readonly TimelineEntry[],
  otherKinds: readonly { patient_id: string; event_type: string; n: number }[],
  states: ImportStates,
): Difference[] {
  const out: Difference[] = [];
  const diff = (patientId: unknown, column: string, l: unknown, p: unknown, category: Category, note?: string) =>
    out.push({
      table: 'patient_timeline',
      patientId: str(patientId) ?? '',
      column,
      legacy: l,
      projection: p,
      category,
      ...(note ? { note } : {}),
    });
  const byKey = new Map(projected.map((e) => [keyOf(e), e]));
  const seen = new Set<string>();
  const wording = new Map<string, number>();
  for (const l of legacy) {
    const key = keyOf(l);
    if (seen.has(key)) {
      diff(l['patient_id'], key, 'twice', 'once or never', 'legacy_duplicate');
      continue;
    }
    seen.add(key);
    const p = byKey.get(key);
    if (!p) {
      const state = sourceState(l, states);
      const category: Category =
        state?.state === 'rejected'
          ? 'rejected_on_import'
          : state?.state === 'pending'
            ? 'not_imported_yet'
            : 'missing_in_projection';
      diff(l['patient_id'], key, 'present', 'absent', category, state?.state === 'rejected' ? state.reason : undefined);
      continue;
    }
    for (const fact of facts)
      if (!fact.same(l[fact.column], p[fact.column]))
        diff(l['patient_id'], `${key} ${fact.column}`, l[fact.column], p[fact.column], 'fact_differs');
    if (str(l['title']) !== str(p['title']) || str(l['description']) !== str(p['description'])) {
      const patient = str(l['patient_id']) ?? '';
      wording.set(patient, (wording.get(patient) ?? 0) + 1);
    }
  }
  for (const [patient, n] of wording)
    diff(patient, 'title, description', `${n} entries`, 'worded differently', 'timeline_wording');
  for (const p of projected) {
    const key = keyOf(p);
    if (seen.has(key)) continue;
    if (TRIGGER_KINDS.includes(str(p['event_type']) ?? ''))
      diff(p['patient_id'], key, 'absent', 'present', 'legacy_trigger_entry_missing');
    else diff(p['patient_id'], str(p['event_type']) ?? '', 0, 1, 'kinds_not_kept_by_triggers');
  }
  for (const k of otherKinds) diff(k.patient_id, k.event_type, 0, k.n, 'kinds_not_kept_by_triggers');
  return merge(out);
}

/** One line per patient for the kinds the triggers never wrote: how many entries of each. */
function merge(differences: Difference[]): Difference[] {
  const out: Difference[] = [];
  const byPatient = new Map<string, Map<string, number>>();
  for (const d of differences) {
    if (d.category !== 'kinds_not_kept_by_triggers') {
      out.push(d);
      continue;
    }
    let kinds = byPatient.get(d.patientId);
    if (!kinds) byPatient.set(d.patientId, (kinds = new Map()));
    kinds.set(d.column, (kinds.get(d.column) ?? 0) + Number(d.projection));
  }
  for (const [patientId, kinds] of byPatient) {
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    const detail = [...kinds]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    out.push({
      table: 'patient_timeline',
      patientId,
      column: 'entries of other kinds',
      legacy: 0,
      projection: total,
      category: 'kinds_not_kept_by_triggers',
      note: detail,
    });
  }
  return out;
}

function sourceState(entry: TimelineEntry, states: ImportStates): RowState | null {
  const table = sourceTables[str(entry['source_type']) ?? ''];
  return table ? states.of(table, str(entry['source_id']) ?? '') : null;
}
