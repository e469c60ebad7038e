import { sql } from 'kysely';
import { NotFound, ServiceUnavailable } from '../errors/http-errors.js';
import { cursorTime, served, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { requirePatient } from './patients.reads.js';
import type { ReadDb } from './read-database.js';
import { sessionColumns, sessionKpiColumns } from './read-tables.js';

/** A `sessions` row as served. */
export type SessionRow = RowOf<typeof sessionColumns>;
/** A `session_kpis` row as served. */
export type SessionKpisRow = RowOf<typeof sessionKpiColumns>;

/** The cursor list name of `GET /players/{id}/kpis`. */
export const PLAYER_KPIS_CURSOR = 'player-kpis';

/** The session's row; 404 when `sessions` has none. */
export async function requireSession(db: ReadDb, sessionId: string): Promise<SessionRow> {
  const row = await db
    .selectFrom('sessions as s')
    .select(served(sessionColumns, 's'))
    .where('s.id', '=', sessionId)
    .$castTo<SessionRow>()
    .executeTakeFirst();
  if (!row) throw new NotFound(`session ${sessionId} not found`);
  return row;
}

/**
 * The KPIs of a session: 404 for an unknown session or one that has none (not completed);
 * 503 `projection_behind` for a completed session whose KPI row is not built yet.
 */
export async function sessionKpis(db: ReadDb, sessionId: string): Promise<SessionKpisRow> {
  const session = await requireSession(db, sessionId);
  const row = await db
    .selectFrom('session_kpis as k')
    .select(served(sessionKpiColumns, 'k'))
    .where('k.session_id', '=', sessionId)
    .$castTo<SessionKpisRow>()
    .executeTakeFirst();
  if (row) return row;
  if (session.status === 'completed')
    throw new ServiceUnavailable(`the KPIs of session ${sessionId} are not built yet; retry`, 'projection_behind');
  throw new NotFound(`session ${sessionId} has no KPIs: it is ${session.status}, not completed`);
}

/**
 * One page of a player's session KPIs, newest first (`calculated_at` descending, then `id`);
 * `before` is the previous page's last key. 404 for an unknown player (no row in `patients`).
 */
export async function playerKpis(
  db: ReadDb,
  playerId: string,
  limit: number,
  before: readonly string[] | undefined,
): Promise<Page<SessionKpisRow>> {
  await requirePatient(db, playerId);
  const rows = await db
    .selectFrom('session_kpis as k')
    .select(served(sessionKpiColumns, 'k'))
    .select(cursorTime(sql.ref('k.calculated_at')).as('cursor_time'))
    .where('k.player_id', '=', playerId)
    .$if(before !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('k.calculated_at', 'k.id'),
          '<',
          eb.tuple(sql<string>`${before?.[0]}::timestamptz`, Number(before?.[1])),
        ),
      ),
    )
    .orderBy('k.calculated_at', 'desc')
    .orderBy('k.id', 'desc')
    .limit(limit + 1)
    .$castTo<SessionKpisRow & { cursor_time: string }>()
    .execute();
  return toPage(
    rows,
    limit,
    ({ cursor_time: _key, ...row }) => row,
    (row) => encodeCursor(PLAYER_KPIS_CURSOR, [row.cursor_time, String(row.id)]),
  );
}
