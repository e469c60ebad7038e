/** The main read table of the `patients` projection. */
export const PATIENTS_TABLE = 'patients';

/**
 * DDL of `patients` (SPEC §4): one row per registered patient. `registered_at` is the
 * registration's occurredAt, `updated_at` the occurredAt of the last event applied.
 */
export const patientsTables: readonly string[] = [
  `CREATE TABLE ${PATIENTS_TABLE} (
    patient_id text PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL,
    date_of_birth date,
    age_group text,
    sport_type text,
    team_id text,
    position text,
    jersey_number integer,
    registered_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
];
