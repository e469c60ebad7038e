import { defineTable, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/**
 * `patient_statistics` (SPEC §4): one row per patient.
 *
 * The four `*_date` columns are `timestamptz` instants, like `consultations.consultation_date`:
 * a visit is its consultation's instant (a bare date is midnight UTC), a scan its `takenAt`
 * (else upload time), a report the moment it was generated. Counters default to 0, so a
 * registered patient without activity reads as zeros. The index serves the seed's
 * "patients with stats ORDER BY ps.last_visit_date DESC". Rows are updated in place at every
 * batch that touches the patient: a fillfactor of 70 leaves room for those updates on the page.
 */
export const patientStatisticsTable = defineTable(
  'patient_statistics',
  {
    patient_id: text(),
    total_consultations: integer().defaultTo('0'),
    total_scans: integer().defaultTo('0'),
    total_predictions: integer().defaultTo('0'),
    total_reports: integer().defaultTo('0'),
    unique_doctors: integer().defaultTo('0'),
    first_visit_date: timestamptz().nullable(),
    last_visit_date: timestamptz().nullable(),
    last_scan_date: timestamptz().nullable(),
    last_report_date: timestamptz().nullable(),
    parkinsons_status: text().nullable(),
    parkinsons_stage: integer().nullable(),
    total_symptom_logs: integer().defaultTo('0'),
    total_sessions: integer().defaultTo('0'),
    updated_at: timestamptz(),
  },
  {
    primaryKey: ['patient_id'],
    indexes: [{ name: 'patient_statistics_last_visit_idx', columns: ['last_visit_date DESC NULLS LAST'] }],
    fillfactor: 70,
  },
);

/** Auxiliary: every consultation's patient, doctor, date and CURRENT status (a status change needs the date). */
export const statisticsConsultationsTable = defineTable(
  'patient_statistics_consultations',
  {
    consultation_id: text(),
    patient_id: text(),
    doctor_id: text(),
    consultation_date: timestamptz().nullable(),
    status: text(),
  },
  {
    primaryKey: ['consultation_id'],
    indexes: [{ name: 'patient_statistics_consultations_patient_idx', columns: ['patient_id'] }],
  },
);

/** Auxiliary: every (patient, doctor) pair seen in an assignment or a consultation (unique_doctors). */
export const statisticsDoctorsTable = defineTable(
  'patient_statistics_doctors',
  { patient_id: text(), doctor_id: text() },
  { primaryKey: ['patient_id', 'doctor_id'] },
);

/** A `patient_statistics` row as JSON. */
export type StatisticsRow = RowOf<typeof patientStatisticsTable>;
/** A row of `patient_statistics_consultations`. */
export type ConsultationRow = RowOf<typeof statisticsConsultationsTable>;
