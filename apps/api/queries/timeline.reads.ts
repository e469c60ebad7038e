import { sql, type Kysely } from 'kysely';
import { cursorTime, selectList, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { requirePatient } from './patients.reads.js';
import { timelineColumns } from './read-tables.js';

/** A `patient_timeline` row as served. */
export type TimelineRow = RowOf<typeof timelineColumns>;

/** The cursor list name of `GET /patients/{id}/timeline`. */
export const TIMELINE_CURSOR = 'timeline';

/**
 * One page of a patient's timeline, newest first: `event_date` descending, then `event_id`
 * descending; `before` is the (event_date, event_id) key of the previous page's last row.
 * 404 for an unknown patient.
 */
export async function patientTimeline(
  db: Kysely<unknown>,
  patientId: string,
  limit: number,
  before: readonly string[] | undefined,
): Promise<Page<TimelineRow>> {
  await requirePatient(db, patientId);
  const { rows } = await sql<TimelineRow & { cursor_time: string }>`
    SELECT ${selectList(timelineColumns, 't')}, ${cursorTime(sql.ref('t.event_date'))} AS cursor_time
    FROM patient_timeline t
    WHERE t.patient_id = ${patientId}
      ${before === undefined ? sql`` : sql`AND (t.event_date, t.event_id) < (${before[0]}::timestamptz, ${before[1]})`}
    ORDER BY t.event_date DESC, t.event_id DESC
    LIMIT ${limit + 1}`.execute(db);
  return toPage(
    rows,
    limit,
    ({ cursor_time: _key, ...row }) => row,
    (row) => encodeCursor(TIMELINE_CURSOR, [row.cursor_time, row.event_id]),
  );
}
