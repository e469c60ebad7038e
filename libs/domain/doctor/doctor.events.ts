import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import type { RegisterDoctor } from './doctor.commands.js';

/** A doctor was registered. */
export type DoctorRegistered = DomainEvent<'DoctorRegistered', RegisterDoctor>;

/** Events of the `doctor-{doctorId}` stream. */
export type DoctorEvent = DoctorRegistered;

/** True for the events of a doctor stream. */
export const isDoctorEvent = eventGuard<DoctorEvent>({ DoctorRegistered: true });

/** Business time of a doctor event: the server time. */
export function doctorOccurredAt(_event: DoctorEvent, now: Date): Date {
  return now;
}
