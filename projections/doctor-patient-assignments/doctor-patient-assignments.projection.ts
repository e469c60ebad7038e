import { keyedRows } from '../../libs/projection-engine/io.js';
import { patientErasure } from '../patient-erasure.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import {
  assignmentsEventTypes,
  clearAssignment,
  foldAssignment,
  type AssignmentsEvent,
} from './doctor-patient-assignments.fold.js';
import { assignmentsTable } from './doctor-patient-assignments.tables.js';

/**
 * `doctor_patient_assignments`: who treats whom, from DoctorAssigned, DoctorAssignmentEnded
 * and ConsultationRecorded (see `foldAssignment`), one row per (doctor, patient) pair.
 */
export const doctorPatientAssignmentsProjection = defineProjection<AssignmentsEvent>({
  name: 'doctor_patient_assignments',
  version: 2,
  eventTypes: assignmentsEventTypes,
  tables: [assignmentsTable],
  apply: keyedRows(assignmentsTable, {
    key: (e) => (e.type === 'PatientErased' ? undefined : [e.data.doctorId, e.data.patientId]),
    evolve: foldAssignment,
    erase: patientErasure('patient_id', clearAssignment),
  }),
});
