import type { ConsultationEvent } from '../../libs/domain/consultation/consultation.events.js';
import { keyedRows } from '../../libs/projection-engine/io.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { consultationsEventTypes, foldConsultation } from './consultations.fold.js';
import { consultationsTable } from './consultations.tables.js';

/**
 * `consultations`: every recorded visit and its current status, from ConsultationRecorded
 * and ConsultationStatusChanged (one row per consultation, folded by `foldConsultation`).
 */
export const consultationsProjection = defineProjection<ConsultationEvent>({
  name: 'consultations',
  version: 1,
  eventTypes: consultationsEventTypes,
  tables: [consultationsTable],
  apply: keyedRows(consultationsTable, { key: (e) => e.data.consultationId, evolve: foldConsultation }),
});
