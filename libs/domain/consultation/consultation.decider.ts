import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { requireFact, unreachable, type Command } from '../shared/command.js';
import type { ChangeConsultationStatus, ConsultationStatus, RecordConsultation } from './consultation.commands.js';
import type { ConsultationEvent } from './consultation.events.js';

/** Commands of the consultation aggregate. */
export type ConsultationCommand =
  Command<'RecordConsultation', RecordConsultation> | Command<'ChangeConsultationStatus', ChangeConsultationStatus>;

/** What the decider remembers about a consultation. */
export type ConsultationState =
  { recorded: false } | { recorded: true; status: ConsultationStatus; patientId: string; doctorId: string };

/** RecordConsultation needs `patientRegistered` and `doctorRegistered`. */
export type ConsultationContext = DecideContext & { patientRegistered?: boolean; doctorRegistered?: boolean };

/** The consultation aggregate, stream `consultation-{consultationId}`. */
export const consultationDecider: Decider<
  ConsultationCommand,
  ConsultationEvent,
  ConsultationState,
  ConsultationContext
> = {
  initialState: () => ({ recorded: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ConsultationRecorded':
        return {
          recorded: true,
          status: event.data.status,
          patientId: event.data.patientId,
          doctorId: event.data.doctorId,
        };
      case 'ConsultationStatusChanged':
        return state.recorded ? { ...state, status: event.data.status } : state;
      default:
        return unreachable(event);
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'RecordConsultation':
        return record(command.data, state, context);
      case 'ChangeConsultationStatus':
        return changeStatus(command.data, state);
      default:
        return unreachable(command);
    }
  },
};

function record(data: RecordConsultation, state: ConsultationState, context: ConsultationContext): ConsultationEvent[] {
  if (state.recorded) throw new ConflictError(`consultation ${data.consultationId} already exists`, 'already_exists');
  if (!requireFact(context.patientRegistered, 'patientRegistered')) throw new NotFoundError('patient', data.patientId);
  if (!requireFact(context.doctorRegistered, 'doctorRegistered')) throw new NotFoundError('doctor', data.doctorId);
  return [{ type: 'ConsultationRecorded', data: { ...data, status: data.status ?? 'completed' } }];
}

function changeStatus(data: ChangeConsultationStatus, state: ConsultationState): ConsultationEvent[] {
  if (!state.recorded) throw new NotFoundError('consultation', data.consultationId);
  if (state.status !== 'scheduled')
    throw new ConflictError(
      `consultation ${data.consultationId} is ${state.status}, not scheduled`,
      'invalid_status_transition',
    );
  const { patientId, doctorId } = state;
  return [{ type: 'ConsultationStatusChanged', data: { ...data, previousStatus: 'scheduled', patientId, doctorId } }];
}
