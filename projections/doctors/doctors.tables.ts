/** The main read table of the `doctors` projection. */
export const DOCTORS_TABLE = 'doctors';

/** DDL of `doctors` (SPEC §4): one row per registered doctor; `registered_at` is the registration's occurredAt. */
export const doctorsTables: readonly string[] = [
  `CREATE TABLE ${DOCTORS_TABLE} (
    doctor_id text PRIMARY KEY,
    name text NOT NULL,
    specialization text,
    email text,
    registered_at timestamptz NOT NULL
  )`,
];
