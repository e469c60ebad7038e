import { date, defineTable, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/**
 * `patients` (SPEC §4): one row per registered patient. `registered_at` is the registration's
 * occurredAt, `updated_at` the occurredAt of the last event applied.
 */
export const patientsTable = defineTable(
  'patients',
  {
    patient_id: text(),
    first_name: text(),
    last_name: text(),
    date_of_birth: date().nullable(),
    age_group: text().nullable(),
    sport_type: text().nullable(),
    team_id: text().nullable(),
    position: text().nullable(),
    jersey_number: integer().nullable(),
    registered_at: timestamptz(),
    updated_at: timestamptz(),
  },
  { primaryKey: ['patient_id'] },
);

/** A row of `patients` as JSON (dates `YYYY-MM-DD`, times ISO strings). */
export type PatientRow = RowOf<typeof patientsTable>;
