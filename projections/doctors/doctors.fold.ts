import type { DoctorRegistered } from '../../libs/domain/doctor/doctor.events.js';
import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import type { DoctorRow } from './doctors.tables.js';

export type { DoctorRow } from './doctors.tables.js';

/** The event types the `doctors` projection handles. */
export const doctorsEventTypes = ['DoctorRegistered'] as const satisfies readonly DoctorRegistered['type'][];

/**
 * Applies one event to a doctor's row (pure): the registration defines the row.
 *
 * @example foldDoctor(undefined, registered) // { doctor_id: 'd1', name: 'Dr Who', …, registered_at }
 */
export function foldDoctor(
  _row: DoctorRow | undefined,
  event: ProjectedEvent<DoctorRegistered>,
): DoctorRow | undefined {
  return {
    doctor_id: event.data.doctorId,
    name: event.data.name,
    specialization: event.data.specialization ?? null,
    email: event.data.email ?? null,
    registered_at: event.occurredAt,
  };
}
