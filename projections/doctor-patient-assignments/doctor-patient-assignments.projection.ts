import type { StoredEvent } from '../../libs/event-store/index.js';
import type { Projection } from '../../libs/projection-engine/projection.js';
import { loadRows, upsertRows } from '../../libs/projection-engine/rows.js';
import { assignmentKey, assignmentsEventTypes, foldAssignment, type AssignmentRow } from './doctor-patient-assignments.fold.js';
import { ASSIGNMENTS_TABLE, assignmentsTables } from './doctor-patient-assignments.tables.js';

const keyOf = (event: StoredEvent) => assignmentKey(String(event.data.doctorId), String(event.data.patientId));

/**
 * `doctor_patient_assignments`: who treats whom, from DoctorAssigned, DoctorAssignmentEnded
 * and ConsultationRecorded (see `foldAssignment`). Two statements per batch: load the rows
 * of the touched patients (a patient has few doctors), upsert the changed pairs.
 */
export const doctorPatientAssignmentsProjection: Projection = {
  name: 'doctor_patient_assignments',
  version: 1,
  eventTypes: assignmentsEventTypes,
  tableNames: [ASSIGNMENTS_TABLE],
  tables: assignmentsTables,
  async apply(events, db) {
    const loaded = (await loadRows(db, ASSIGNMENTS_TABLE, 'patient_id', events.map((e) => String(e.data.patientId)))) as AssignmentRow[];
    const current = new Map(loaded.map((row) => [assignmentKey(row.doctor_id, row.patient_id), row]));
    const changed = new Map<string, AssignmentRow>();
    for (const event of events) {
      const key = keyOf(event);
      const before = changed.get(key) ?? current.get(key);
      const after = foldAssignment(before, event);
      if (after && after !== before) changed.set(key, after);
    }
    await upsertRows(db, ASSIGNMENTS_TABLE, ['doctor_id', 'patient_id'], [...changed.values()]);
  },
};
