import type { StoredEvent } from '../../libs/event-store/index.js';
import type { EventData } from '../../libs/domain/index.js';

/** The event types the `doctors` projection handles. */
export const doctorsEventTypes = ['DoctorRegistered'] as const;

/** A row of `doctors` as JSON (times ISO strings). */
export type DoctorRow = {
  doctor_id: string;
  name: string;
  specialization: string | null;
  email: string | null;
  registered_at: string;
};

type DoctorsEvent = { type: 'DoctorRegistered'; data: EventData<'DoctorRegistered'> };

const handled: ReadonlySet<string> = new Set(doctorsEventTypes);

/** The event as one the projection handles, or `undefined` for any other type. */
export function asDoctorsEvent(event: StoredEvent): DoctorsEvent | undefined {
  return handled.has(event.type) ? ({ type: event.type, data: event.data } as DoctorsEvent) : undefined;
}

/**
 * Applies one event to a doctor's row (pure): the registration defines the row.
 *
 * @example foldDoctor(undefined, registered) // { doctor_id: 'd1', name: 'Dr Who', …, registered_at }
 */
export function foldDoctor(row: DoctorRow | undefined, stored: StoredEvent): DoctorRow | undefined {
  const event = asDoctorsEvent(stored);
  if (!event) return row;
  switch (event.type) {
    case 'DoctorRegistered':
      return {
        doctor_id: event.data.doctorId,
        name: event.data.name,
        specialization: event.data.specialization ?? null,
        email: event.data.email ?? null,
        registered_at: String(stored.metadata.occurredAt),
      };
    default: {
      const unhandled: never = event.type;
      return unhandled;
    }
  }
}
