import { boolean, defineTable, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/**
 * `doctor_patient_assignments` (SPEC §4): one row per (doctor, patient) pair that was ever
 * assigned, or met in a consultation. The primary key serves `/doctors/{id}/patients`; the
 * patient index serves `/patients/{id}/doctors`.
 */
export const assignmentsTable = defineTable(
  'doctor_patient_assignments',
  {
    doctor_id: text(),
    patient_id: text(),
    assignment_type: text(),
    is_active: boolean(),
    assigned_at: timestamptz(),
    ended_at: timestamptz().nullable(),
    notes: text().nullable(),
    source: text<'assignment' | 'consultation'>().checkIn(['assignment', 'consultation']),
  },
  {
    primaryKey: ['doctor_id', 'patient_id'],
    indexes: [{ name: 'doctor_patient_assignments_patient_idx', columns: ['patient_id', 'is_active'] }],
  },
);

/** A row of `doctor_patient_assignments` as JSON (times ISO strings). */
export type AssignmentRow = RowOf<typeof assignmentsTable>;
