import {
  defineTable,
  double,
  integer,
  jsonb,
  text,
  timestamptz,
  type RowOf,
} from '../../libs/projection-engine/table.js';

/**
 * `session_kpis` (seed 002, SPEC §4): one row per completed session. FLOAT metrics are double
 * precision, INTEGER metrics integer. `id` is the completion's ordinal (1, 2, …) in log order,
 * assigned by the projection — not a SERIAL, whose values would depend on rolled-back
 * attempts and so differ after a rebuild.
 */
export const sessionKpisTable = defineTable(
  'session_kpis',
  {
    id: integer(),
    session_id: text(),
    player_id: text(),
    max_speed_kmh: double().nullable(),
    avg_speed_kmh: double().nullable(),
    speed_zones: jsonb<Record<string, number>>().nullable(),
    total_distance_m: double().nullable(),
    high_intensity_distance_m: double().nullable(),
    sprint_distance_m: double().nullable(),
    touches: integer().nullable(),
    passes: integer().nullable(),
    pass_accuracy: double().nullable(),
    shots: integer().nullable(),
    accelerations: integer().nullable(),
    decelerations: integer().nullable(),
    max_acceleration: double().nullable(),
    jumps: integer().nullable(),
    training_load: double().nullable(),
    player_load: double().nullable(),
    intensity_score: double().nullable(),
    calculated_at: timestamptz(),
  },
  {
    primaryKey: ['id'],
    indexes: [
      { name: 'idx_session_kpis_session', columns: ['session_id'], unique: true },
      { name: 'idx_kpis_player_date', columns: ['player_id', 'calculated_at DESC'] },
      { name: 'idx_kpis_speed_zones_gin', columns: ['speed_zones'], using: 'gin' },
    ],
  },
);

/** One `session_kpis` row as JSON; a KPI the completion did not send is null. */
export type SessionKpisRow = RowOf<typeof sessionKpisTable>;
