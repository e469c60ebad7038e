import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { requireFact, unreachable, type Command } from '../shared/command.js';
import type { CompleteSession, FailSession, StartSession } from './session.commands.js';
import type { SessionEvent } from './session.events.js';

/** Commands of the session aggregate. */
export type SessionCommand =
  | Command<'StartSession', StartSession>
  | Command<'CompleteSession', CompleteSession>
  | Command<'FailSession', FailSession>;

/** What the decider remembers about a session. */
export type SessionState =
  { status: 'none' } | { status: 'started' | 'completed' | 'failed'; playerId: string; startTime: string };

/** StartSession needs `patientRegistered` (the player is a patient). */
export type SessionContext = DecideContext & { patientRegistered?: boolean };

/** The session aggregate, stream `session-{sessionId}`. */
export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState, SessionContext> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SessionStarted':
        return { status: 'started', playerId: event.data.playerId, startTime: event.data.startTime };
      case 'SessionCompleted':
        return state.status === 'none' ? state : { ...state, status: 'completed' };
      case 'SessionFailed':
        return state.status === 'none' ? state : { ...state, status: 'failed' };
      default:
        return unreachable(event);
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'StartSession':
        if (state.status !== 'none')
          throw new ConflictError(`session ${command.data.sessionId} already exists`, 'already_exists');
        if (!requireFact(context.patientRegistered, 'patientRegistered'))
          throw new NotFoundError('player', command.data.playerId);
        return [{ type: 'SessionStarted', data: command.data }];
      case 'CompleteSession':
        return complete(command.data, state);
      case 'FailSession': {
        const { playerId } = whileStarted(state, command.data.sessionId);
        return [{ type: 'SessionFailed', data: { ...command.data, playerId } }];
      }
      default:
        return unreachable(command);
    }
  },
};

function complete(data: CompleteSession, state: SessionState): SessionEvent[] {
  const { playerId, startTime } = whileStarted(state, data.sessionId);
  const durationMs = new Date(data.endTime).getTime() - new Date(startTime).getTime();
  if (durationMs < 0)
    throw new ValidationError('the session ends before it starts', [
      { path: 'endTime', message: `must not be before startTime ${startTime}` },
    ]);
  return [
    {
      type: 'SessionCompleted',
      data: { ...data, playerId, startTime, durationSeconds: Math.floor(durationMs / 1000) },
    },
  ];
}

function whileStarted(state: SessionState, sessionId: string) {
  if (state.status === 'none') throw new NotFoundError('session', sessionId);
  if (state.status !== 'started')
    throw new ConflictError(`session ${sessionId} is already ${state.status}`, 'session_finished');
  return state;
}
