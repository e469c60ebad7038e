/** The main read table (SPEC §4): one row per patient. */
export const PATIENT_STATISTICS = 'patient_statistics';
/** Auxiliary: every consultation's patient, doctor, date and CURRENT status. */
export const PATIENT_STATISTICS_CONSULTATIONS = 'patient_statistics_consultations';
/** Auxiliary: every (patient, doctor) pair seen in an assignment or a consultation. */
export const PATIENT_STATISTICS_DOCTORS = 'patient_statistics_doctors';

/** Every table the projection owns, main table first. */
export const patientStatisticsTableNames = [PATIENT_STATISTICS, PATIENT_STATISTICS_CONSULTATIONS, PATIENT_STATISTICS_DOCTORS] as const;

/**
 * DDL of `patient_statistics` and its auxiliary tables.
 *
 * The four `*_date` columns are `timestamptz` instants, like `consultations.consultation_date`:
 * a visit is its consultation's instant (a bare date is midnight UTC), a scan its `takenAt`
 * (else upload time), a report the moment it was generated. Counters default to 0, so a
 * registered patient without activity reads as zeros. The index serves the seed's
 * "patients with stats ORDER BY ps.last_visit_date DESC".
 */
export const patientStatisticsTables = [
  `CREATE TABLE patient_statistics (
    patient_id text PRIMARY KEY,
    total_consultations integer NOT NULL DEFAULT 0,
    total_scans integer NOT NULL DEFAULT 0,
    total_predictions integer NOT NULL DEFAULT 0,
    total_reports integer NOT NULL DEFAULT 0,
    unique_doctors integer NOT NULL DEFAULT 0,
    first_visit_date timestamptz,
    last_visit_date timestamptz,
    last_scan_date timestamptz,
    last_report_date timestamptz,
    parkinsons_status text,
    parkinsons_stage integer,
    total_symptom_logs integer NOT NULL DEFAULT 0,
    total_sessions integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX patient_statistics_last_visit_idx ON patient_statistics (last_visit_date DESC NULLS LAST)`,
  `CREATE TABLE patient_statistics_consultations (
    consultation_id text PRIMARY KEY,
    patient_id text NOT NULL,
    doctor_id text NOT NULL,
    consultation_date timestamptz,
    status text NOT NULL
  )`,
  `CREATE INDEX patient_statistics_consultations_patient_idx ON patient_statistics_consultations (patient_id)`,
  `CREATE TABLE patient_statistics_doctors (
    patient_id text NOT NULL,
    doctor_id text NOT NULL,
    PRIMARY KEY (patient_id, doctor_id)
  )`,
] as const;
