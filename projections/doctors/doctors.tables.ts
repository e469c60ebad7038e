import { defineTable, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/** `doctors` (SPEC §4): one row per registered doctor; `registered_at` is the registration's occurredAt. */
export const doctorsTable = defineTable(
  'doctors',
  {
    doctor_id: text(),
    name: text(),
    specialization: text().nullable(),
    email: text().nullable(),
    registered_at: timestamptz(),
  },
  { primaryKey: ['doctor_id'] },
);

/** A row of `doctors` as JSON (times ISO strings). */
export type DoctorRow = RowOf<typeof doctorsTable>;
