import type { Projection } from '../../libs/projection-engine/projection.js';
import { loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { evolveSessionRow, timedSessionEvent, type SessionRow } from './session-row.js';
import { sessionsTables } from './sessions.tables.js';

/**
 * `sessions` (SPEC §4, seed 002): one row per training or match session, its status
 * (`pending` → `completed` | `failed`), times and metadata. Two statements per batch:
 * load the touched sessions, upsert the changed ones.
 */
export const sessionsProjection: Projection = {
  name: 'sessions',
  version: 1,
  eventTypes: ['SessionStarted', 'SessionCompleted', 'SessionFailed'],
  tableNames: ['sessions'],
  tables: sessionsTables,
  async apply(events, db) {
    const timed = events.map(timedSessionEvent);
    const ids = timed.map((event) => event.data.sessionId);
    const current = (await loadRowMap(db, 'sessions', 'id', ids)) as Map<string, SessionRow>;
    const changed = new Map<string, SessionRow>();
    for (const event of timed) {
      const id = event.data.sessionId;
      const before = changed.get(id) ?? current.get(id);
      const after = evolveSessionRow(before, event);
      if (after !== undefined && after !== before) changed.set(id, after);
    }
    await upsertRows(db, 'sessions', ['id'], [...changed.values()]);
  },
};
