import { sql } from 'kysely';
import type { SessionCompleted } from '../../libs/domain/session/session.events.js';
import type { Projection } from '../../libs/projection-engine/projection.js';
import { insertRows } from '../../libs/projection-engine/rows.js';
import { numberCompletions } from './session-kpis-row.js';
import { sessionKpisTables } from './session-kpis.tables.js';

/**
 * `session_kpis` (SPEC §4, seed 002): the KPIs of each completed session, calculated_at = the
 * completion's occurredAt. Two statements per batch: read the last id and the sessions already
 * present, insert the new rows.
 */
export const sessionKpisProjection: Projection = {
  name: 'session_kpis',
  version: 1,
  eventTypes: ['SessionCompleted'],
  tableNames: ['session_kpis'],
  tables: sessionKpisTables,
  async apply(events, db) {
    const completions = events.map((event) => {
      const occurredAt = event.metadata['occurredAt'];
      if (typeof occurredAt !== 'string') throw new Error(`event ${event.id} has no metadata.occurredAt`);
      return { data: event.data as SessionCompleted['data'], occurredAt };
    });
    if (completions.length === 0) return;
    const sessionIds = completions.map((c) => c.data.sessionId);
    const { rows } = await sql<{ last_id: number; existing: string[] }>`SELECT
        (SELECT coalesce(max(id), 0) FROM session_kpis) AS last_id,
        array(SELECT session_id FROM session_kpis WHERE session_id = ANY(${sessionIds}::text[])) AS existing`.execute(db);
    const { last_id: lastId, existing } = rows[0]!;
    await insertRows(db, 'session_kpis', ['session_id'], numberCompletions(completions, Number(lastId), new Set(existing)));
  },
};
