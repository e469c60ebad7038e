import { keyedRows } from '../../libs/projection-engine/io.js';
import { patientErasure } from '../patient-erasure.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { clearSessionRow, evolveSessionRow, sessionsEventTypes, type SessionsEvent } from './session-row.js';
import { sessionsTable } from './sessions.tables.js';

/**
 * `sessions` (SPEC §4, seed 002): one row per training or match session, its status
 * (`pending` → `completed` | `failed`), times and metadata.
 */
export const sessionsProjection = defineProjection<SessionsEvent>({
  name: 'sessions',
  version: 2,
  eventTypes: sessionsEventTypes,
  tables: [sessionsTable],
  apply: keyedRows(sessionsTable, {
    key: (e) => (e.type === 'PatientErased' ? undefined : e.data.sessionId),
    evolve: evolveSessionRow,
    erase: patientErasure('player_id', clearSessionRow),
  }),
});
