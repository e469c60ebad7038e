import type { StoredEvent } from '../../libs/event-store/index.js';
import type { EventData } from '../../libs/domain/index.js';

/** The event types the `patients` projection handles. */
export const patientsEventTypes = ['PatientRegistered', 'PatientProfileUpdated'] as const;

/** A row of `patients` as JSON (dates `YYYY-MM-DD`, times ISO strings). */
export type PatientRow = {
  patient_id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
  age_group: string | null;
  sport_type: string | null;
  team_id: string | null;
  position: string | null;
  jersey_number: number | null;
  registered_at: string;
  updated_at: string;
};

type PatientsEvent =
  | { type: 'PatientRegistered'; data: EventData<'PatientRegistered'> }
  | { type: 'PatientProfileUpdated'; data: EventData<'PatientProfileUpdated'> };

const handled: ReadonlySet<string> = new Set(patientsEventTypes);

/** The event as one the projection handles, or `undefined` for any other type. */
export function asPatientsEvent(event: StoredEvent): PatientsEvent | undefined {
  return handled.has(event.type) ? ({ type: event.type, data: event.data } as PatientsEvent) : undefined;
}

/**
 * Applies one event to a patient's row (pure). A registration defines the whole row; a
 * profile update changes only the fields it carries, and is ignored without a registration.
 *
 * @example foldPatient(undefined, registered) // { patient_id: 'p1', …, updated_at: registered's occurredAt }
 */
export function foldPatient(row: PatientRow | undefined, stored: StoredEvent): PatientRow | undefined {
  const event = asPatientsEvent(stored);
  if (!event) return row;
  const occurredAt = String(stored.metadata.occurredAt);
  switch (event.type) {
    case 'PatientRegistered': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        first_name: d.firstName,
        last_name: d.lastName,
        date_of_birth: d.dateOfBirth ?? null,
        age_group: d.ageGroup ?? null,
        sport_type: d.sportType ?? null,
        team_id: d.teamId ?? null,
        position: d.position ?? null,
        jersey_number: d.jerseyNumber ?? null,
        registered_at: occurredAt,
        updated_at: occurredAt,
      };
    }
    case 'PatientProfileUpdated': {
      if (!row) return row;
      const d = event.data;
      return {
        ...row,
        first_name: d.firstName ?? row.first_name,
        last_name: d.lastName ?? row.last_name,
        date_of_birth: d.dateOfBirth ?? row.date_of_birth,
        age_group: d.ageGroup ?? row.age_group,
        sport_type: d.sportType ?? row.sport_type,
        team_id: d.teamId ?? row.team_id,
        position: d.position ?? row.position,
        jersey_number: d.jerseyNumber ?? row.jersey_number,
        updated_at: occurredAt,
      };
    }
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
