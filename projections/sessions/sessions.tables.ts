/**
 * DDL of `sessions` (seed 002's table, SPEC §4): one row per session, times as timestamptz.
 * Indexes: a player's sessions newest first, the seed's status/type and metadata lookups.
 */
export const sessionsTables: readonly string[] = [
  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    player_id text NOT NULL,
    user_id text,
    session_type text NOT NULL,
    title text,
    description text,
    start_time timestamptz,
    end_time timestamptz,
    duration_seconds integer,
    video_path text,
    status text NOT NULL DEFAULT 'pending',
    created_at timestamptz,
    updated_at timestamptz,
    metadata jsonb
  )`,
  'CREATE INDEX idx_sessions_player_created ON sessions (player_id, created_at DESC)',
  'CREATE INDEX idx_sessions_created_at ON sessions (created_at DESC)',
  'CREATE INDEX idx_sessions_status_type ON sessions (status, session_type)',
  'CREATE INDEX idx_sessions_metadata_gin ON sessions USING GIN (metadata)',
];
