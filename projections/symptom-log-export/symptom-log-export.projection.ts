import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { firstRowPerLogId } from './symptom-log-row.js';
import { symptomLogExportTable } from './symptom-log-export.tables.js';

/**
 * `symptom_log_export` (SPEC §4, seed 000): the time series of symptom logs for dashboards.
 * One insert per batch; a log id already exported keeps its first row.
 */
export const symptomLogExportProjection = defineProjection<SymptomLogged>({
  name: 'symptom_log_export',
  version: 1,
  eventTypes: ['SymptomLogged'],
  tables: [symptomLogExportTable],
  async apply(events, io) {
    io.insert(symptomLogExportTable, firstRowPerLogId(events.map((e) => e.data)), 'ignore');
  },
});
