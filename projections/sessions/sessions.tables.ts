import { defineTable, integer, jsonb, text, timestamptz, type RowOf } from '../../libs/projection-engine/table.js';

/** Seed 002's session statuses; a started session is `pending` until it completes or fails. */
export type SessionStatus = 'pending' | 'processing' | 'completed' | 'failed';

/**
 * `sessions` (seed 002's table, SPEC §4): one row per session, times as timestamptz.
 * Indexes: a player's sessions newest first, the seed's status/type and metadata lookups.
 */
export const sessionsTable = defineTable(
  'sessions',
  {
    id: text(),
    player_id: text(),
    user_id: text().nullable(),
    session_type: text(),
    title: text().nullable(),
    description: text().nullable(),
    start_time: timestamptz().nullable(),
    end_time: timestamptz().nullable(),
    duration_seconds: integer().nullable(),
    video_path: text().nullable(),
    status: text<SessionStatus>().defaultTo("'pending'"),
    created_at: timestamptz().nullable(),
    updated_at: timestamptz().nullable(),
    metadata: jsonb<Record<string, unknown>>().nullable(),
  },
  {
    primaryKey: ['id'],
    indexes: [
      { name: 'idx_sessions_player_created', columns: ['player_id', 'created_at DESC'] },
      { name: 'idx_sessions_created_at', columns: ['created_at DESC'] },
      { name: 'idx_sessions_status_type', columns: ['status', 'session_type'] },
      { name: 'idx_sessions_metadata_gin', columns: ['metadata'], using: 'gin' },
    ],
  },
);

/** One `sessions` row as JSON (times as ISO strings). */
export type SessionRow = RowOf<typeof sessionsTable>;
