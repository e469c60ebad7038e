import { sql } from 'kysely';
import { cursorTime, served, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Page } from './page.js';
import { requirePatient } from './patients.reads.js';
import type { ReadDb } from './read-database.js';
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
  db: ReadDb,
  patientId: string,
  limit: number,
  before: readonly string[] | undefined,
): Promise<Page<TimelineRow>> {
  await requirePatient(db, patientId);
  const rows = await db
    .selectFrom('patient_timeline as t')
    .select(served(timelineColumns, 't'))
    .select(cursorTime(sql.ref('t.event_date')).as('cursor_time'))
    .where('t.patient_id', '=', patientId)
    .$if(before !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('t.event_date', 't.event_id'),
          '<',
          eb.tuple(sql<string>`${before?.[0]}::timestamptz`, before?.[1] ?? ''),
        ),
      ),
    )
    .orderBy('t.event_date', 'desc')
    .orderBy('t.event_id', 'desc')
    .limit(limit + 1)
    .$castTo<TimelineRow & { cursor_time: string }>()
    .execute();
  return toPage(
    rows,
    limit,
    ({ cursor_time: _key, ...row }) => row,
    (row) => encodeCursor(TIMELINE_CURSOR, [row.cursor_time, row.event_id]),
  );
}
