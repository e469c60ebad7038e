import type { SessionCompleted } from '../../libs/domain/session/session.events.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { numberCompletions } from './session-kpis-row.js';
import { sessionKpisTable } from './session-kpis.tables.js';

/**
 * `session_kpis` (SPEC §4, seed 002): the KPIs of each completed session, calculated_at = the
 * completion's occurredAt. Per batch: the last ordinal and which of the batch's sessions are
 * numbered already (two indexed reads), then one insert.
 */
export const sessionKpisProjection = defineProjection<SessionCompleted>({
  name: 'session_kpis',
  version: 1,
  eventTypes: ['SessionCompleted'],
  tables: [sessionKpisTable],
  async apply(events, io) {
    if (events.length === 0) return;
    const existing = await io.loadWhere(
      sessionKpisTable,
      'session_id',
      events.map((e) => e.data.sessionId),
    );
    const lastId = (await io.max(sessionKpisTable, 'id')) ?? 0;
    const rows = numberCompletions(
      events.map((e) => ({ data: e.data, occurredAt: e.occurredAt })),
      lastId,
      new Set(existing.map((row) => row.session_id)),
    );
    io.insert(sessionKpisTable, rows, 'strict');
  },
});
