import type { StoredEvent } from '../../libs/event-store/index.js';
import { toInstant, type EventData } from '../../libs/domain/index.js';

/** The event types the `consultations` projection handles. */
export const consultationsEventTypes = ['ConsultationRecorded', 'ConsultationStatusChanged'] as const;

/** A row of `consultations` as JSON (dates `YYYY-MM-DD`, times ISO strings, fee a number). */
export type ConsultationRow = {
  id: string;
  patient_id: string;
  doctor_id: string;
  consultation_type: string;
  consultation_date: string;
  status: string;
  chief_complaint: string | null;
  diagnosis: string | null;
  prescription: string | null;
  duration_minutes: number | null;
  fee: number | null;
  next_visit_date: string | null;
  notes: string | null;
  recorded_at: string;
  updated_at: string;
};

type ConsultationsEvent =
  | { type: 'ConsultationRecorded'; data: EventData<'ConsultationRecorded'> }
  | { type: 'ConsultationStatusChanged'; data: EventData<'ConsultationStatusChanged'> };

const handled: ReadonlySet<string> = new Set(consultationsEventTypes);

/** The event as one the projection handles, or `undefined` for any other type. */
export function asConsultationsEvent(event: StoredEvent): ConsultationsEvent | undefined {
  return handled.has(event.type) ? ({ type: event.type, data: event.data } as ConsultationsEvent) : undefined;
}

/**
 * Applies one event to a consultation's row (pure). The recording defines the row (a bare
 * `consultationDate` becomes midnight UTC); a status change sets `status` and `updated_at`
 * and is ignored for a consultation never recorded.
 *
 * @example foldConsultation(undefined, recorded) // { id: 'c1', status: 'completed', … }
 */
export function foldConsultation(row: ConsultationRow | undefined, stored: StoredEvent): ConsultationRow | undefined {
  const event = asConsultationsEvent(stored);
  if (!event) return row;
  const occurredAt = String(stored.metadata.occurredAt);
  switch (event.type) {
    case 'ConsultationRecorded': {
      const d = event.data;
      return {
        id: d.consultationId,
        patient_id: d.patientId,
        doctor_id: d.doctorId,
        consultation_type: d.consultationType,
        consultation_date: toInstant(d.consultationDate).toISOString(),
        status: d.status,
        chief_complaint: d.chiefComplaint ?? null,
        diagnosis: d.diagnosis ?? null,
        prescription: d.prescription ?? null,
        duration_minutes: d.durationMinutes ?? null,
        fee: d.fee ?? null,
        next_visit_date: d.nextVisitDate ?? null,
        notes: d.notes ?? null,
        recorded_at: occurredAt,
        updated_at: occurredAt,
      };
    }
    case 'ConsultationStatusChanged':
      return row && { ...row, status: event.data.status, updated_at: occurredAt };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
