import type { Projection } from '../../libs/projection-engine/projection.js';
import { loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { foldPatient, patientsEventTypes, type PatientRow } from './patients.fold.js';
import { PATIENTS_TABLE, patientsTables } from './patients.tables.js';

/**
 * `patients`: the registered athletes and their profiles, from PatientRegistered and
 * PatientProfileUpdated. Two statements per batch: load the touched rows, upsert them.
 */
export const patientsProjection: Projection = {
  name: 'patients',
  version: 1,
  eventTypes: patientsEventTypes,
  tableNames: [PATIENTS_TABLE],
  tables: patientsTables,
  async apply(events, db) {
    const keys = events.map((e) => String(e.data.patientId));
    const current = (await loadRowMap(db, PATIENTS_TABLE, 'patient_id', keys)) as Map<string, PatientRow>;
    const changed = new Map<string, PatientRow>();
    for (const event of events) {
      const key = String(event.data.patientId);
      const before = changed.get(key) ?? current.get(key);
      const after = foldPatient(before, event);
      if (after && after !== before) changed.set(key, after);
    }
    await upsertRows(db, PATIENTS_TABLE, ['patient_id'], [...changed.values()]);
  },
};
