import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { requireFact, unreachable, type Command } from '../shared/command.js';
import type {
  AssignDoctor,
  EndDoctorAssignment,
  ErasePatient,
  RegisterPatient,
  UpdatePatientProfile,
} from './patient.commands.js';
import type { PatientEvent } from './patient.events.js';

/** Commands of the patient aggregate. */
export type PatientCommand =
  | Command<'RegisterPatient', RegisterPatient>
  | Command<'UpdatePatientProfile', UpdatePatientProfile>
  | Command<'AssignDoctor', AssignDoctor>
  | Command<'EndDoctorAssignment', EndDoctorAssignment>
  | Command<'ErasePatient', ErasePatient>;

/** What the decider remembers: registration, erasure and the doctors actively assigned. */
export type PatientState = { registered: boolean; erased: boolean; activeDoctorIds: readonly string[] };

/** AssignDoctor needs `doctorRegistered` (the `doctor-{doctorId}` stream has events). */
export type PatientContext = DecideContext & { doctorRegistered?: boolean };

/** The patient aggregate, stream `patient-{patientId}`. */
export const patientDecider: Decider<PatientCommand, PatientEvent, PatientState, PatientContext> = {
  initialState: () => ({ registered: false, erased: false, activeDoctorIds: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'PatientRegistered':
        return { ...state, registered: true };
      case 'PatientProfileUpdated':
        return state;
      case 'DoctorAssigned':
        return { ...state, activeDoctorIds: [...state.activeDoctorIds, event.data.doctorId] };
      case 'DoctorAssignmentEnded':
        return { ...state, activeDoctorIds: state.activeDoctorIds.filter((id) => id !== event.data.doctorId) };
      case 'PatientErased':
        return { ...state, erased: true };
      default:
        return unreachable(event);
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'RegisterPatient':
        if (state.registered)
          throw new ConflictError(`patient ${command.data.patientId} is already registered`, 'already_exists');
        checkBirthDate(command.data.dateOfBirth, context.now);
        return [{ type: 'PatientRegistered', data: command.data }];
      case 'UpdatePatientProfile':
        requireRegistered(state, command.data.patientId);
        checkBirthDate(command.data.dateOfBirth, context.now);
        return [{ type: 'PatientProfileUpdated', data: command.data }];
      case 'AssignDoctor':
        return assignDoctor(command.data, state, context);
      case 'EndDoctorAssignment':
        requireRegistered(state, command.data.patientId);
        if (!state.activeDoctorIds.includes(command.data.doctorId))
          throw new ConflictError(`doctor ${command.data.doctorId} has no active assignment`, 'not_assigned');
        return [{ type: 'DoctorAssignmentEnded', data: command.data }];
      case 'ErasePatient':
        requireRegistered(state, command.data.patientId);
        if (state.erased)
          throw new ConflictError(`patient ${command.data.patientId} is already erased`, 'already_erased');
        return [{ type: 'PatientErased', data: command.data }];
      default:
        return unreachable(command);
    }
  },
};

function assignDoctor(data: AssignDoctor, state: PatientState, context: PatientContext): PatientEvent[] {
  requireRegistered(state, data.patientId);
  if (!requireFact(context.doctorRegistered, 'doctorRegistered')) throw new NotFoundError('doctor', data.doctorId);
  if (state.activeDoctorIds.includes(data.doctorId))
    throw new ConflictError(`doctor ${data.doctorId} is already assigned`, 'already_assigned');
  return [{ type: 'DoctorAssigned', data }];
}

function requireRegistered(state: PatientState, patientId: string): void {
  if (!state.registered) throw new NotFoundError('patient', patientId);
}

/** A birth date after the command's day is a typo, not an athlete. */
function checkBirthDate(dateOfBirth: string | undefined, now: Date): void {
  if (dateOfBirth !== undefined && dateOfBirth > now.toISOString().slice(0, 10))
    throw new ValidationError('dateOfBirth is in the future', [
      { path: 'dateOfBirth', message: 'must not be in the future' },
    ]);
}
