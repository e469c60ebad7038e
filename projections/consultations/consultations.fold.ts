import { toInstant } from '../../libs/domain/index.js';
import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { handledEventTypes, type HandledEvent } from '../handled-events.js';
import type { ConsultationRow } from './consultations.tables.js';

export type { ConsultationRow } from './consultations.tables.js';

/** The event types the `consultations` projection handles. */
export const consultationsEventTypes = handledEventTypes([
  'ConsultationRecorded',
  'ConsultationStatusChanged',
  'PatientErased',
]);

/** The events the `consultations` projection handles, personal fields `null` once erased. */
export type ConsultationsEvent = HandledEvent<(typeof consultationsEventTypes)[number]>;

/** A consultation's row once its patient was erased: the texts `null`, nothing else changed. */
export function clearConsultation(row: ConsultationRow): ConsultationRow {
  return { ...row, chief_complaint: null, diagnosis: null, prescription: null, notes: null };
}

/**
 * Applies one event to a consultation's row (pure). The recording defines the row (a bare
 * `consultationDate` becomes midnight UTC); a status change sets `status` and `updated_at`
 * and is ignored for a consultation never recorded.
 *
 * @example foldConsultation(undefined, recorded) // { id: 'c1', status: 'completed', … }
 */
export function foldConsultation(
  row: ConsultationRow | undefined,
  event: ProjectedEvent<ConsultationsEvent>,
): ConsultationRow | undefined {
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
        recorded_at: event.occurredAt,
        updated_at: event.occurredAt,
      };
    }
    case 'ConsultationStatusChanged':
      return row && { ...row, status: event.data.status, updated_at: event.occurredAt };
    case 'PatientErased':
      return row && clearConsultation(row);
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
