import type {
  PatientErased,
  PatientProfileUpdated,
  PatientRegistered,
} from '../../libs/domain/patient/patient.events.js';
import type { Erasable, ProjectedEvent } from '../../libs/projection-engine/projection.js';
import type { PatientRow } from './patients.tables.js';

export type { PatientRow } from './patients.tables.js';

/** The events the `patients` projection handles, personal fields `null` once erased. */
export type PatientsEvent = Erasable<PatientRegistered | PatientProfileUpdated> | PatientErased;

/** The event types the `patients` projection handles. */
export const patientsEventTypes = [
  'PatientRegistered',
  'PatientProfileUpdated',
  'PatientErased',
] as const satisfies readonly PatientsEvent['type'][];

/**
 * Applies one event to a patient's row (pure). A registration defines the whole row; a
 * profile update changes only the fields it carries, and is ignored without a registration.
 * An erasure (SPEC §9) sets the names and birth date to `null` and `erased_at` to its time; a
 * personal field of an erased patient's event is `null`, which leaves the (erased) value as is.
 * `updated_at` follows every event, the erasure included.
 *
 * @example foldPatient(undefined, registered) // { patient_id: 'p1', …, updated_at: registered's occurredAt }
 */
export function foldPatient(row: PatientRow | undefined, event: ProjectedEvent<PatientsEvent>): PatientRow | undefined {
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
        registered_at: event.occurredAt,
        updated_at: event.occurredAt,
        erased_at: null,
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
        updated_at: event.occurredAt,
      };
    }
    case 'PatientErased':
      if (!row) return row;
      return {
        ...row,
        first_name: null,
        last_name: null,
        date_of_birth: null,
        erased_at: event.occurredAt,
        updated_at: event.occurredAt,
      };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
