import type { DoctorRegistered } from '../../libs/domain/doctor/doctor.events.js';
import { keyedRows } from '../../libs/projection-engine/io.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { doctorsEventTypes, foldDoctor } from './doctors.fold.js';
import { doctorsTable } from './doctors.tables.js';

/** `doctors`: the registered doctors, from DoctorRegistered (one row per doctor). */
export const doctorsProjection = defineProjection<DoctorRegistered>({
  name: 'doctors',
  version: 1,
  eventTypes: doctorsEventTypes,
  tables: [doctorsTable],
  apply: keyedRows(doctorsTable, { key: (e) => e.data.doctorId, evolve: foldDoctor }),
});
