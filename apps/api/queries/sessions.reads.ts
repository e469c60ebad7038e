import { sql, type Kysely } from 'kysely';
import { NotFound, ServiceUnavailable } from '../errors/http-errors.js';
import { cursorTime, selectList, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { requirePatient } from './patients.reads.js';
import { sessionColumns, sessionKpiColumns } from './read-tables.js';

/** A `sessions` row as served. */
export type SessionRow = RowOf<typeof sessionColumns>;
/** A `session_kpis` row as served. */
export type SessionKpisRow = RowOf<typeof sessionKpiColumns>;

/** The cursor list name of `GET /players/{id}/kpis`. */
export const PLAYER_KPIS_CURSOR = 'player-kpis';

/** The session's row; 404 when `sessions` has none. */
export async function requireSession(db: Kysely<unknown>, sessionId: string): Promise<SessionRow> {
  const { rows } = await sql<SessionRow>`SELECT ${selectList(sessionColumns, 's')} FROM sessions s WHERE s.id = ${sessionId}`.execute(db);
  const row = rows[0];
  if (!row) throw new NotFound(`session ${sessionId} not found`);
  return row;
}

/**
 * The KPIs of a session: 404 for an unknown session or one that has none (not completed);
 * 503 `projection_behind` for a completed session whose KPI row is not built yet.
 */
export async function sessionKpis(db: Kysely<unknown>, sessionId: string): Promise<SessionKpisRow> {
  const session = await requireSession(db, sessionId);
  const { rows } = await sql<SessionKpisRow>`SELECT ${selectList(sessionKpiColumns, 'k')} FROM session_kpis k
    WHERE k.session_id = ${sessionId}`.execute(db);
  const row = rows[0];
  if (row) return row;
  if (session.status === 'completed') throw new ServiceUnavailable(`the KPIs of session ${sessionId} are not built yet; retry`, 'projection_behind');
  throw new NotFound(`session ${sessionId} has no KPIs: it is ${session.status}, not completed`);
}

/**
 * One page of a player's session KPIs, newest first (`calculated_at` descending, then `id`);
 * `before` is the previous page's last key. 404 for an unknown player (no row in `patients`).
 */
export async function playerKpis(
  db: Kysely<unknown>,
  playerId: string,
  limit: number,
  before: readonly string[] | undefined,
): Promise<Page<SessionKpisRow>> {
  await requirePatient(db, playerId);
  const { rows } = await sql<SessionKpisRow & { cursor_time: string }>`
    SELECT ${selectList(sessionKpiColumns, 'k')}, ${cursorTime(sql.ref('k.calculated_at'))} AS cursor_time
    FROM session_kpis k
    WHERE k.player_id = ${playerId}
      ${before === undefined ? sql`` : sql`AND (k.calculated_at, k.id) < (${before[0]}::timestamptz, ${Number(before[1])})`}
    ORDER BY k.calculated_at DESC, k.id DESC
    LIMIT ${limit + 1}`.execute(db);
  return toPage(
    rows,
    limit,
    ({ cursor_time: _key, ...row }) => row,
    (row) => encodeCursor(PLAYER_KPIS_CURSOR, [row.cursor_time, String(row.id)]),
  );
}
