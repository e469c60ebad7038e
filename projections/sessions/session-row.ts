import type { SessionEvent } from '../../libs/domain/session/session.events.js';
import type { StoredEvent } from '../../libs/event-store/index.js';

/** Seed 002's session statuses; a started session is `pending` until it completes or fails. */
export type SessionStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** One `sessions` row as JSON (times as ISO strings). */
export type SessionRow = {
  id: string;
  player_id: string;
  user_id: string;
  session_type: string;
  title: string | null;
  description: string | null;
  start_time: string;
  end_time: string | null;
  duration_seconds: number | null;
  video_path: string | null;
  status: SessionStatus;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown> | null;
};

/** A stored session event with its data typed and its business time. */
export type TimedSessionEvent = SessionEvent & { occurredAt: string };

/**
 * Types a stored event of the `session-*` streams (its data was validated when it was decided).
 *
 * @example timedSessionEvent(stored).occurredAt // '2026-01-01T10:00:00Z'
 */
export function timedSessionEvent(stored: StoredEvent): TimedSessionEvent {
  const occurredAt = stored.metadata['occurredAt'];
  if (typeof occurredAt !== 'string') throw new Error(`event ${stored.id} has no metadata.occurredAt`);
  return { type: stored.type, data: stored.data, occurredAt } as TimedSessionEvent;
}

/**
 * The `sessions` row after one event (pure). A start creates the row (`pending`, created at its
 * occurredAt); a completion sets `completed`, end_time and duration; a failure sets `failed`.
 * Completion and failure only apply to a `pending` session (the decider allows nothing else);
 * events of a session never started leave no row.
 */
export function evolveSessionRow(row: SessionRow | undefined, event: TimedSessionEvent): SessionRow | undefined {
  switch (event.type) {
    case 'SessionStarted': {
      if (row !== undefined) return row;
      const { data } = event;
      return {
        id: data.sessionId,
        player_id: data.playerId,
        user_id: data.playerId,
        session_type: data.sessionType,
        title: data.title ?? null,
        description: data.description ?? null,
        start_time: data.startTime,
        end_time: null,
        duration_seconds: null,
        video_path: data.videoPath ?? null,
        status: 'pending',
        created_at: event.occurredAt,
        updated_at: event.occurredAt,
        metadata: data.metadata ?? null,
      };
    }
    case 'SessionCompleted':
      if (row === undefined || row.status !== 'pending') return row;
      return {
        ...row,
        status: 'completed',
        end_time: event.data.endTime,
        duration_seconds: event.data.durationSeconds,
        updated_at: event.occurredAt,
      };
    case 'SessionFailed':
      if (row === undefined || row.status !== 'pending') return row;
      return { ...row, status: 'failed', updated_at: event.occurredAt };
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`unhandled session event: ${JSON.stringify(event)}`);
}
