import {
  date,
  defineTable,
  integer,
  numeric,
  text,
  timestamptz,
  type RowOf,
} from '../../libs/projection-engine/table.js';

/**
 * `consultations` (SPEC §4).
 *
 * `consultation_date` is `timestamptz`: the command takes a date or a timestamp with offset,
 * and a bare date is stored as midnight UTC (the instant the domain's `toInstant` and the
 * event's occurredAt give it), so the seed's `ORDER BY c.consultation_date DESC` orders
 * dated and timed visits on one time line. `recorded_at` is the ConsultationRecorded's
 * occurredAt (which the domain sets to the consultation date), `updated_at` the occurredAt
 * of the last event applied. The patient index serves `/patients/{id}/consultations`
 * (newest first); the doctor index the seed's join of a doctor's consultations.
 */
export const consultationsTable = defineTable(
  'consultations',
  {
    id: text(),
    patient_id: text(),
    doctor_id: text(),
    consultation_type: text(),
    consultation_date: timestamptz(),
    status: text(),
    chief_complaint: text().nullable(),
    diagnosis: text().nullable(),
    prescription: text().nullable(),
    duration_minutes: integer().nullable(),
    fee: numeric(10, 2).nullable(),
    next_visit_date: date().nullable(),
    notes: text().nullable(),
    recorded_at: timestamptz(),
    updated_at: timestamptz(),
  },
  {
    primaryKey: ['id'],
    indexes: [
      { name: 'consultations_patient_date_idx', columns: ['patient_id', 'consultation_date DESC'] },
      { name: 'consultations_doctor_idx', columns: ['doctor_id'] },
    ],
  },
);

/** A row of `consultations` as JSON (dates `YYYY-MM-DD`, times ISO strings, fee a number). */
export type ConsultationRow = RowOf<typeof consultationsTable>;
