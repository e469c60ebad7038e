import type { Projection } from '../../libs/projection-engine/projection.js';
import { loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { consultationsEventTypes, foldConsultation, type ConsultationRow } from './consultations.fold.js';
import { CONSULTATIONS_TABLE, consultationsTables } from './consultations.tables.js';

/**
 * `consultations`: every recorded visit and its current status, from ConsultationRecorded
 * and ConsultationStatusChanged. Two statements per batch: load the touched rows, upsert them.
 */
export const consultationsProjection: Projection = {
  name: 'consultations',
  version: 1,
  eventTypes: consultationsEventTypes,
  tableNames: [CONSULTATIONS_TABLE],
  tables: consultationsTables,
  async apply(events, db) {
    const keys = events.map((e) => String(e.data.consultationId));
    const current = (await loadRowMap(db, CONSULTATIONS_TABLE, 'id', keys)) as Map<string, ConsultationRow>;
    const changed = new Map<string, ConsultationRow>();
    for (const event of events) {
      const key = String(event.data.consultationId);
      const before = changed.get(key) ?? current.get(key);
      const after = foldConsultation(before, event);
      if (after && after !== before) changed.set(key, after);
    }
    await upsertRows(db, CONSULTATIONS_TABLE, ['id'], [...changed.values()]);
  },
};
