/** The main read table of the `doctor_patient_assignments` projection. */
export const ASSIGNMENTS_TABLE = 'doctor_patient_assignments';

/**
 * DDL of `doctor_patient_assignments` (SPEC §4): one row per (doctor, patient) pair that
 * was ever assigned, or met in a consultation. The primary key serves
 * `/doctors/{id}/patients`; the patient index serves `/patients/{id}/doctors`.
 */
export const assignmentsTables: readonly string[] = [
  `CREATE TABLE ${ASSIGNMENTS_TABLE} (
    doctor_id text NOT NULL,
    patient_id text NOT NULL,
    assignment_type text NOT NULL,
    is_active boolean NOT NULL,
    assigned_at timestamptz NOT NULL,
    ended_at timestamptz,
    notes text,
    source text NOT NULL CHECK (source IN ('assignment', 'consultation')),
    PRIMARY KEY (doctor_id, patient_id)
  )`,
  `CREATE INDEX doctor_patient_assignments_patient_idx ON ${ASSIGNMENTS_TABLE} (patient_id, is_active)`,
];
