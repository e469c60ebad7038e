import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import type {
  AssignDoctor,
  EndDoctorAssignment,
  ErasePatient,
  RegisterPatient,
  UpdatePatientProfile,
} from './patient.commands.js';

/** A patient was registered. */
export type PatientRegistered = DomainEvent<'PatientRegistered', RegisterPatient>;
/** Profile fields changed; only the fields sent are present. */
export type PatientProfileUpdated = DomainEvent<'PatientProfileUpdated', UpdatePatientProfile>;
/** A doctor was assigned to the patient. */
export type DoctorAssigned = DomainEvent<'DoctorAssigned', AssignDoctor>;
/** A doctor's active assignment ended. */
export type DoctorAssignmentEnded = DomainEvent<'DoctorAssignmentEnded', EndDoctorAssignment>;

/**
 * The patient's data key was destroyed: every personal field of theirs reads `null` from now
 * on. Carries the reason only (the actor is in the metadata); no personal data.
 */
export type PatientErased = DomainEvent<'PatientErased', ErasePatient>;

/** Events of the `patient-{patientId}` stream. */
export type PatientEvent =
  PatientRegistered | PatientProfileUpdated | DoctorAssigned | DoctorAssignmentEnded | PatientErased;

/** True for the events of a patient stream. */
export const isPatientEvent = eventGuard<PatientEvent>({
  PatientRegistered: true,
  PatientProfileUpdated: true,
  DoctorAssigned: true,
  DoctorAssignmentEnded: true,
  PatientErased: true,
});

/** Business time of a patient event: these commands carry none, so the server time. */
export function patientOccurredAt(_event: PatientEvent, now: Date): Date {
  return now;
}
