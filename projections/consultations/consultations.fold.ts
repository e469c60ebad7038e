import { toInstant } from '../../libs/domain/index.js';
import type { ConsultationEvent } from '../../libs/domain/consultation/consultation.events.js';
import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import type { ConsultationRow } from './consultations.tables.js';

export type { ConsultationRow } from './consultations.tables.js';

/** The event types the `consultations` projection handles. */
export const consultationsEventTypes = ['ConsultationRecorded', 'ConsultationStatusChanged'] as const satisfies readonly ConsultationEvent['type'][];

/**
 * Applies one event to a consultation's row (pure). The recording defines the row (a bare
 * `consultationDate` becomes midnight UTC); a status change sets `status` and `updated_at`
 * and is ignored for a consultation never recorded.
 *
 * @example foldConsultation(undefined, recorded) // { id: 'c1', status: 'completed', … }
 */
export function foldConsultation(row: ConsultationRow | undefined, event: ProjectedEvent<ConsultationEvent>): ConsultationRow | undefined {
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
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
