import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { handledEventTypes, type HandledEvent } from '../handled-events.js';
import type { AssignmentRow } from './doctor-patient-assignments.tables.js';

export type { AssignmentRow } from './doctor-patient-assignments.tables.js';

/** The event types the `doctor_patient_assignments` projection handles. */
export const assignmentsEventTypes = handledEventTypes([
  'DoctorAssigned',
  'DoctorAssignmentEnded',
  'ConsultationRecorded',
  'PatientErased',
]);

/** The events the `doctor_patient_assignments` projection handles, personal fields `null` once erased. */
export type AssignmentsEvent = HandledEvent<(typeof assignmentsEventTypes)[number]>;

/** An assignment's row once its patient was erased: the notes `null`. */
export function clearAssignment(row: AssignmentRow): AssignmentRow {
  return { ...row, notes: null };
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
export function foldAssignment(
  row: AssignmentRow | undefined,
  event: ProjectedEvent<AssignmentsEvent>,
): AssignmentRow | undefined {
  switch (event.type) {
    case 'DoctorAssigned':
      return {
        doctor_id: event.data.doctorId,
        patient_id: event.data.patientId,
        assignment_type: event.data.assignmentType,
        is_active: true,
        assigned_at: event.occurredAt,
        ended_at: null,
        notes: event.data.notes ?? null,
        source: 'assignment',
      };
    case 'DoctorAssignmentEnded':
      return row?.is_active ? { ...row, is_active: false, ended_at: event.occurredAt } : row;
    case 'ConsultationRecorded':
      return (
        row ?? {
          doctor_id: event.data.doctorId,
          patient_id: event.data.patientId,
          assignment_type: 'consultant',
          is_active: true,
          assigned_at: event.occurredAt,
          ended_at: null,
          notes: null,
          source: 'consultation',
        }
      );
    case 'PatientErased':
      return row && clearAssignment(row);
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
