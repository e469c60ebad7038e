import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import { toInstant } from '../shared/fields.js';
import type { ChangeConsultationStatus, RecordConsultation } from './consultation.commands.js';

/** A consultation was recorded; `status` defaults to `completed`. */
export type ConsultationRecorded = DomainEvent<
  'ConsultationRecorded',
  RecordConsultation & { status: 'scheduled' | 'completed' }
>;

/** A scheduled consultation took place, was cancelled or missed; carries its patient and doctor. */
export type ConsultationStatusChanged = DomainEvent<
  'ConsultationStatusChanged',
  ChangeConsultationStatus & { previousStatus: 'scheduled'; patientId: string; doctorId: string }
>;

/** Events of the `consultation-{consultationId}` stream. */
export type ConsultationEvent = ConsultationRecorded | ConsultationStatusChanged;

/** True for the events of a consultation stream. */
export const isConsultationEvent = eventGuard<ConsultationEvent>({
  ConsultationRecorded: true,
  ConsultationStatusChanged: true,
});

/** Business time: the consultation date (midnight UTC for a bare date); a status change is server time. */
export function consultationOccurredAt(event: ConsultationEvent, now: Date): Date {
  return event.type === 'ConsultationRecorded' ? toInstant(event.data.consultationDate) : now;
}
