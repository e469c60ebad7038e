import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { handledEventTypes, type HandledEvent } from '../handled-events.js';
import type { SessionRow } from './sessions.tables.js';

export type { SessionRow, SessionStatus } from './sessions.tables.js';

/** The event types the `sessions` projection handles. */
export const sessionsEventTypes = handledEventTypes([
  'SessionStarted',
  'SessionCompleted',
  'SessionFailed',
  'PatientErased',
]);

/** The events the `sessions` projection handles, personal fields `null` once erased. */
export type SessionsEvent = HandledEvent<(typeof sessionsEventTypes)[number]>;

/** A session's row once its player was erased: title, description, video path and metadata `null`. */
export function clearSessionRow(row: SessionRow): SessionRow {
  return { ...row, title: null, description: null, video_path: null, metadata: null };
}

/**
 * The `sessions` row after one event (pure). A start creates the row (`pending`, created at its
 * occurredAt); a completion sets `completed`, end_time and duration; a failure sets `failed`.
 * Completion and failure only apply to a `pending` session (the decider allows nothing else);
 * events of a session never started leave no row.
 */
export function evolveSessionRow(
  row: SessionRow | undefined,
  event: ProjectedEvent<SessionsEvent>,
): SessionRow | undefined {
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
    case 'PatientErased':
      return row && clearSessionRow(row);
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`unhandled session event: ${JSON.stringify(event)}`);
}
