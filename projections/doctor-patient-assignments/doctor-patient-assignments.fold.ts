import type { StoredEvent } from '../../libs/event-store/index.js';
import type { EventData } from '../../libs/domain/index.js';

/** The event types the `doctor_patient_assignments` projection handles. */
export const assignmentsEventTypes = ['DoctorAssigned', 'DoctorAssignmentEnded', 'ConsultationRecorded'] as const;

/** A row of `doctor_patient_assignments` as JSON (times ISO strings). */
export type AssignmentRow = {
  doctor_id: string;
  patient_id: string;
  assignment_type: string;
  is_active: boolean;
  assigned_at: string;
  ended_at: string | null;
  notes: string | null;
  source: 'assignment' | 'consultation';
};

type AssignmentsEvent =
  | { type: 'DoctorAssigned'; data: EventData<'DoctorAssigned'> }
  | { type: 'DoctorAssignmentEnded'; data: EventData<'DoctorAssignmentEnded'> }
  | { type: 'ConsultationRecorded'; data: EventData<'ConsultationRecorded'> };

const handled: ReadonlySet<string> = new Set(assignmentsEventTypes);

/** The event as one the projection handles, or `undefined` for any other type. */
export function asAssignmentsEvent(event: StoredEvent): AssignmentsEvent | undefined {
  return handled.has(event.type) ? ({ type: event.type, data: event.data } as AssignmentsEvent) : undefined;
}

/** The key of an event's row: doctor and patient joined by a character no id may contain. */
export function assignmentKey(doctorId: string, patientId: string): string {
  return `${doctorId}\u0000${patientId}`;
}

/**
 * Applies one event to the row of its (doctor, patient) pair (pure).
 *
 * - DoctorAssigned makes the row active with the new type, date and notes (source
 *   `assignment`), whatever it was before: a re-assignment after an end reactivates it.
 * - DoctorAssignmentEnded deactivates an active row and dates the end.
 * - ConsultationRecorded (any status, `scheduled` included: a booked visit already puts
 *   the doctor on the patient's team) creates an active `consultant` row dated at the
 *   consultation (source `consultation`) only when the pair has no row; an existing row,
 *   active or ended, is left alone.
 *
 * @example foldAssignment(undefined, consultationRecorded) // { assignment_type: 'consultant', source: 'consultation', … }
 */
export function foldAssignment(row: AssignmentRow | undefined, stored: StoredEvent): AssignmentRow | undefined {
  const event = asAssignmentsEvent(stored);
  if (!event) return row;
  const occurredAt = String(stored.metadata.occurredAt);
  switch (event.type) {
    case 'DoctorAssigned':
      return {
        doctor_id: event.data.doctorId,
        patient_id: event.data.patientId,
        assignment_type: event.data.assignmentType,
        is_active: true,
        assigned_at: occurredAt,
        ended_at: null,
        notes: event.data.notes ?? null,
        source: 'assignment',
      };
    case 'DoctorAssignmentEnded':
      return row?.is_active ? { ...row, is_active: false, ended_at: occurredAt } : row;
    case 'ConsultationRecorded':
      return (
        row ?? {
          doctor_id: event.data.doctorId,
          patient_id: event.data.patientId,
          assignment_type: 'consultant',
          is_active: true,
          assigned_at: occurredAt,
          ended_at: null,
          notes: null,
          source: 'consultation',
        }
      );
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
