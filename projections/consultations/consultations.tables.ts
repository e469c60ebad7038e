/** The main read table of the `consultations` projection. */
export const CONSULTATIONS_TABLE = 'consultations';

/**
 * DDL of `consultations` (SPEC §4).
 *
 * `consultation_date` is `timestamptz`: the command takes a date or a timestamp with offset,
 * and a bare date is stored as midnight UTC (the instant the domain's `toInstant` and the
 * event's occurredAt give it), so the seed's `ORDER BY c.consultation_date DESC` orders
 * dated and timed visits on one time line. `recorded_at` is the ConsultationRecorded's
 * occurredAt (which the domain sets to the consultation date), `updated_at` the occurredAt
 * of the last event applied. The patient index serves `/patients/{id}/consultations`
 * (newest first); the doctor index the seed's join of a doctor's consultations.
 */
export const consultationsTables: readonly string[] = [
  `CREATE TABLE ${CONSULTATIONS_TABLE} (
    id text PRIMARY KEY,
    patient_id text NOT NULL,
    doctor_id text NOT NULL,
    consultation_type text NOT NULL,
    consultation_date timestamptz NOT NULL,
    status text NOT NULL,
    chief_complaint text,
    diagnosis text,
    prescription text,
    duration_minutes integer,
    fee numeric(10,2),
    next_visit_date date,
    notes text,
    recorded_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX consultations_patient_date_idx ON ${CONSULTATIONS_TABLE} (patient_id, consultation_date DESC)`,
  `CREATE INDEX consultations_doctor_idx ON ${CONSULTATIONS_TABLE} (doctor_id)`,
];
