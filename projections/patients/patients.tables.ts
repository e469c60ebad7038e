import { date, defineTable, integer, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/**
 * `patients` (SPEC §4): one row per registered patient. `registered_at` is the registration's
 * occurredAt, `updated_at` the occurredAt of the last event applied, `erased_at` the
 * occurredAt of PatientErased (SPEC §9: names and birth date then `null`).
 */
export const patientsTable = defineTable(
  'patients',
  {
    patient_id: text(),
    first_name: text().nullable(),
    last_name: text().nullable(),
    date_of_birth: date().nullable(),
    age_group: text().nullable(),
    sport_type: text().nullable(),
    team_id: text().nullable(),
    position: text().nullable(),
    jersey_number: integer().nullable(),
    registered_at: timestamptz(),
    updated_at: timestamptz(),
    erased_at: timestamptz().nullable(),
  },
  { primaryKey: ['patient_id'] },
);

/** A row of `patients` as JSON (dates `YYYY-MM-DD`, times ISO strings). */
export type PatientRow = RowOf<typeof patientsTable>;
