import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../shared/errors.js';
import { requireFact, unreachable, type Command } from '../shared/command.js';
import type { LogSymptom } from './tracker.commands.js';
import type { TrackerEvent } from './tracker.events.js';
import { hasLogId, noLogIds, withLogId, type LogIds } from './log-ids.js';

/** How far ahead of the server clock a `loggedAt` may be (clock skew of devices). */
export const MAX_LOGGED_AT_AHEAD_MS = 5 * 60 * 1000;

/** Commands of the tracker aggregate. */
export type TrackerCommand = Command<'LogSymptom', LogSymptom>;

/** What the decider remembers: the log ids already used in this person's log. */
export type TrackerState = { logIds: LogIds };

/** LogSymptom needs `patientRegistered` and `isKnownSymptom` (the keys of triage_map.yaml). */
export type TrackerContext = DecideContext & {
  patientRegistered?: boolean;
  isKnownSymptom?: (symptomId: string) => boolean;
};

/** The tracker aggregate, stream `tracker-{patientId}`. */
export const trackerDecider: Decider<TrackerCommand, TrackerEvent, TrackerState, TrackerContext> = {
  initialState: () => ({ logIds: noLogIds() }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SymptomLogged':
        return { logIds: withLogId(state.logIds, event.data.logId) };
      default:
        return unreachable(event.type);
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'LogSymptom':
        return logSymptom(command.data, state, context);
      default:
        return unreachable(command.type);
    }
  },
};

function logSymptom(data: LogSymptom, state: TrackerState, context: TrackerContext): TrackerEvent[] {
  if (!requireFact(context.patientRegistered, 'patientRegistered')) throw new NotFoundError('patient', data.patientId);
  if (context.isKnownSymptom === undefined)
    throw new Error('context "isKnownSymptom" missing: the handler must pass it');
  const errors: FieldError[] = [];
  if (!context.isKnownSymptom(data.symptomId))
    errors.push({ path: 'symptomId', message: `unknown symptom "${data.symptomId}": not a key of triage_map.yaml` });
  if (new Date(data.loggedAt).getTime() - context.now.getTime() > MAX_LOGGED_AT_AHEAD_MS)
    errors.push({ path: 'loggedAt', message: 'must be at most 5 minutes in the future' });
  if (errors.length > 0) throw new ValidationError('the symptom log is invalid', errors);
  const logId = data.logId ?? context.generatedId;
  if (hasLogId(state.logIds, logId)) throw new ConflictError(`log ${logId} already exists`, 'already_exists');
  return [{ type: 'SymptomLogged', data: { ...data, logId, reporterType: data.reporterType ?? 'self' } }];
}
