import type { PatientErased } from '../libs/domain/patient/patient.events.js';
import type { ErasureSpec } from '../libs/projection-engine/io.js';
import type { EventShape, ProjectedEvent } from '../libs/projection-engine/projection.js';

/**
 * `keyedRows`' erasure of a patient (SPEC §9), shared by the keyed projections whose rows name
 * one: on `PatientErased`, every row whose `column` holds that patient goes through `clear`
 * (its personal columns `null`).
 *
 * @example erase: patientErasure('patient_id', clearReportStatus)
 */
export function patientErasure<E extends EventShape, R extends object>(
  column: keyof R & string,
  clear: (row: R) => R,
): ErasureSpec<E, R> {
  return {
    subjectOf: (event) => (isPatientErased(event) ? event.data.patientId : undefined),
    subjectColumn: column,
    clear,
  };
}

function isPatientErased(event: ProjectedEvent<EventShape>): event is ProjectedEvent<PatientErased> {
  return event.type === 'PatientErased';
}
