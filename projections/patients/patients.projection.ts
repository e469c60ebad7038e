import { keyedRows } from '../../libs/projection-engine/io.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { foldPatient, patientsEventTypes, type PatientsEvent } from './patients.fold.js';
import { patientsTable } from './patients.tables.js';

/**
 * `patients`: the registered athletes and their profiles, from PatientRegistered and
 * PatientProfileUpdated, one row per patient folded by `foldPatient`; PatientErased clears
 * the names and birth date and sets `erased_at`.
 */
export const patientsProjection = defineProjection<PatientsEvent>({
  name: 'patients',
  version: 2,
  eventTypes: patientsEventTypes,
  tables: [patientsTable],
  apply: keyedRows(patientsTable, { key: (e) => e.data.patientId, evolve: foldPatient }),
});
