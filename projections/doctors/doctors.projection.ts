import type { Projection } from '../../libs/projection-engine/projection.js';
import { loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { doctorsEventTypes, foldDoctor, type DoctorRow } from './doctors.fold.js';
import { DOCTORS_TABLE, doctorsTables } from './doctors.tables.js';

/**
 * `doctors`: the registered doctors, from DoctorRegistered. Two statements per batch:
 * load the touched rows, upsert them.
 */
export const doctorsProjection: Projection = {
  name: 'doctors',
  version: 1,
  eventTypes: doctorsEventTypes,
  tableNames: [DOCTORS_TABLE],
  tables: doctorsTables,
  async apply(events, db) {
    const keys = events.map((e) => String(e.data.doctorId));
    const current = (await loadRowMap(db, DOCTORS_TABLE, 'doctor_id', keys)) as Map<string, DoctorRow>;
    const changed = new Map<string, DoctorRow>();
    for (const event of events) {
      const key = String(event.data.doctorId);
      const before = changed.get(key) ?? current.get(key);
      const after = foldDoctor(before, event);
      if (after && after !== before) changed.set(key, after);
    }
    await upsertRows(db, DOCTORS_TABLE, ['doctor_id'], [...changed.values()]);
  },
};
