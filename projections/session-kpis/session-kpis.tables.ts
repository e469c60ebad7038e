/**
 * DDL of `session_kpis` (seed 002, SPEC §4): one row per completed session. FLOAT metrics are
 * double precision, INTEGER metrics integer. `id` is the completion's ordinal (1, 2, …) in
 * log order, assigned by the projection — not a SERIAL, whose values would depend on
 * rolled-back attempts and so differ after a rebuild.
 */
export const sessionKpisTables: readonly string[] = [
  `CREATE TABLE session_kpis (
    id integer PRIMARY KEY,
    session_id text NOT NULL,
    player_id text NOT NULL,
    max_speed_kmh double precision,
    avg_speed_kmh double precision,
    speed_zones jsonb,
    total_distance_m double precision,
    high_intensity_distance_m double precision,
    sprint_distance_m double precision,
    touches integer,
    passes integer,
    pass_accuracy double precision,
    shots integer,
    accelerations integer,
    decelerations integer,
    max_acceleration double precision,
    jumps integer,
    training_load double precision,
    player_load double precision,
    intensity_score double precision,
    calculated_at timestamptz NOT NULL
  )`,
  'CREATE UNIQUE INDEX idx_session_kpis_session ON session_kpis (session_id)',
  'CREATE INDEX idx_kpis_player_date ON session_kpis (player_id, calculated_at DESC)',
  'CREATE INDEX idx_kpis_speed_zones_gin ON session_kpis USING GIN (speed_zones)',
];
