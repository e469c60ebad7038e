import { keyedRows } from '../../libs/projection-engine/io.js';
import { patientErasure } from '../patient-erasure.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import {
  clearConsultation,
  consultationsEventTypes,
  foldConsultation,
  type ConsultationsEvent,
} from './consultations.fold.js';
import { consultationsTable } from './consultations.tables.js';

/**
 * `consultations`: every recorded visit and its current status, from ConsultationRecorded
 * and ConsultationStatusChanged (one row per consultation, folded by `foldConsultation`).
 * PatientErased clears the patient's texts (`clearConsultation`).
 */
export const consultationsProjection = defineProjection<ConsultationsEvent>({
  name: 'consultations',
  version: 2,
  eventTypes: consultationsEventTypes,
  tables: [consultationsTable],
  apply: keyedRows(consultationsTable, {
    key: (e) => (e.type === 'PatientErased' ? undefined : e.data.consultationId),
    evolve: foldConsultation,
    erase: patientErasure('patient_id', clearConsultation),
  }),
});
