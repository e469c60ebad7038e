import type { SessionEvent } from '../../libs/domain/session/session.events.js';
import { keyedRows } from '../../libs/projection-engine/io.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { evolveSessionRow, sessionsEventTypes } from './session-row.js';
import { sessionsTable } from './sessions.tables.js';

/**
 * `sessions` (SPEC §4, seed 002): one row per training or match session, its status
 * (`pending` → `completed` | `failed`), times and metadata.
 */
export const sessionsProjection = defineProjection<SessionEvent>({
  name: 'sessions',
  version: 1,
  eventTypes: sessionsEventTypes,
  tables: [sessionsTable],
  apply: keyedRows(sessionsTable, { key: (e) => e.data.sessionId, evolve: evolveSessionRow }),
});
