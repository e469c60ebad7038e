/**
 * Why a legacy trigger-kept row and the projection's row differ. An explained category is a
 * known difference between the seed's triggers and the projections (or a row the import
 * rejected); an unexplained one means the legacy data disagrees with itself, or the projection
 * with the rows the import took, and makes `caretrack import reconcile` exit 1.
 */
export const categories = {
  counts_every_status: {
    explained: true,
    text: 'the legacy trigger counts every new consultation whatever its status (it fires on INSERT); the projection counts those whose current status is completed',
  },
  rejected_on_import: {
    explained: true,
    text: 'legacy rows behind this value were rejected by the import (see its report), so the projection never saw them',
  },
  not_kept_by_triggers: {
    explained: true,
    text: 'no seed 001 trigger keeps this: the legacy value is the column default, the projection computes it from every event',
  },
  no_legacy_row: {
    explained: true,
    text: "the legacy triggers create a patient's statistics row at the first consultation or generated report; the projection keeps one for every registered patient",
  },
  kinds_not_kept_by_triggers: {
    explained: true,
    text: 'the legacy timeline holds what its triggers wrote (scan_uploaded, prediction_made); the projection keeps every kind of entry of SPEC §4',
  },
  timeline_wording: {
    explained: true,
    text: 'the projection writes its own title and description; the facts (patient, date, severity, doctor) are compared separately',
  },
  consultation_sourced: {
    explained: true,
    text: 'the projection adds an active consultant row for a doctor who saw the patient without an assignment (SPEC §4 source = consultation)',
  },
  end_date_unknown: {
    explained: true,
    text: 'the legacy row is inactive without an ended_at: the import ended the assignment at its assigned_at',
  },
  time_fallback: {
    explained: true,
    text: 'the legacy row lacks this time (a generated report without completed_at): the import dated the event by the nearest time the row has',
  },
  not_imported_yet: {
    explained: false,
    text: 'legacy rows behind this value are not in the log yet: run `caretrack import legacy` (again) first',
  },
  legacy_differs_from_its_rows: {
    explained: false,
    text: "the legacy value disagrees with what the seed's triggers compute from the legacy rows themselves (edited by hand, or rows written while a trigger was off)",
  },
  legacy_row_missing: {
    explained: false,
    text: 'the legacy triggers should have made this row from the legacy rows, and it is not there',
  },
  legacy_trigger_entry_missing: {
    explained: false,
    text: 'a legacy trigger writes this entry for every scan and prediction, and the legacy timeline lacks it',
  },
  legacy_duplicate: {
    explained: false,
    text: 'the legacy table holds this entry more than once',
  },
  projection_differs_from_import: {
    explained: false,
    text: 'the projection disagrees with the rows the import took (is it caught up? was the log written by something else?)',
  },
  missing_in_projection: {
    explained: false,
    text: 'the legacy row has no counterpart in the projection, and the import did not reject its source',
  },
  missing_in_legacy: {
    explained: false,
    text: 'the projection has a row the legacy tables cannot account for',
  },
  fact_differs: {
    explained: false,
    text: 'the same entry carries a different fact in the legacy table and in the projection',
  },
} as const satisfies Record<string, { explained: boolean; text: string }>;

export type Category = keyof typeof categories;

/** One difference, by table, patient and column. */
export type Difference = {
  table: 'patient_statistics' | 'patient_timeline' | 'doctor_patient_assignments';
  patientId: string;
  /** the column, or for a whole row `(row)`, or a timeline entry `source_type source_id` */
  column: string;
  legacy: unknown;
  projection: unknown;
  category: Category;
  /** more about this one (the value the legacy rows give, the rejected keys, …) */
  note?: string;
};

/** True for a category that does not make reconcile fail. */
export function isExplained(category: Category): boolean {
  return categories[category].explained;
}
