import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import type { CompleteSession, FailSession, StartSession } from './session.commands.js';

/** A training or match session began. */
export type SessionStarted = DomainEvent<'SessionStarted', StartSession>;
/** A session ended with its KPIs; `durationSeconds` = endTime − startTime in whole seconds. */
export type SessionCompleted = DomainEvent<
  'SessionCompleted',
  CompleteSession & { playerId: string; startTime: string; durationSeconds: number }
>;
/** A session could not be processed. */
export type SessionFailed = DomainEvent<'SessionFailed', FailSession & { playerId: string }>;

/** Events of the `session-{sessionId}` stream. */
export type SessionEvent = SessionStarted | SessionCompleted | SessionFailed;

/** True for the events of a session stream. */
export const isSessionEvent = eventGuard<SessionEvent>({
  SessionStarted: true,
  SessionCompleted: true,
  SessionFailed: true,
});

/** Business time: `startTime` of a start, `endTime` of a completion, server time of a failure. */
export function sessionOccurredAt(event: SessionEvent, now: Date): Date {
  switch (event.type) {
    case 'SessionStarted':
      return new Date(event.data.startTime);
    case 'SessionCompleted':
      return new Date(event.data.endTime);
    default:
      return now;
  }
}
