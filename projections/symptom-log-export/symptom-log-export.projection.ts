import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { Projection } from '../../libs/projection-engine/projection.js';
import { insertRows } from '../../libs/projection-engine/rows.js';
import { firstRowPerLogId } from './symptom-log-row.js';
import { symptomLogExportTables } from './symptom-log-export.tables.js';

/**
 * `symptom_log_export` (SPEC §4, seed 000): the time series of symptom logs for dashboards.
 * One insert per batch; a log id already exported keeps its first row.
 */
export const symptomLogExportProjection: Projection = {
  name: 'symptom_log_export',
  version: 1,
  eventTypes: ['SymptomLogged'],
  tableNames: ['symptom_log_export'],
  tables: symptomLogExportTables,
  async apply(events, db) {
    const logs = events.map((event) => event.data as SymptomLogged['data']);
    await insertRows(db, 'symptom_log_export', ['log_id'], firstRowPerLogId(logs));
  },
};
