import { sql } from 'kysely';
import { cursorTime, served, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Items, type Page } from './page.js';
import { requirePatient } from './patients.reads.js';
import type { ReadDb } from './read-database.js';
import { reportColumns } from './read-tables.js';

/** A `report_status` row as served. */
export type ReportRow = RowOf<typeof reportColumns>;

/** The statuses of a report's pipeline (SPEC §4). */
export const reportStatuses = ['pending', 'generating', 'generated', 'failed'] as const;
/** One of {@link reportStatuses}. */
export type ReportStatus = (typeof reportStatuses)[number];
/** What `/reports` shows without `status`: the work not yet done (seed 001's query 4). */
export const OPEN_REPORT_STATUSES: readonly ReportStatus[] = ['pending', 'generating', 'failed'];

/** The cursor list name of `GET /reports`. */
export const REPORTS_CURSOR = 'reports';

/**
 * One page of the report queue (seed 001's query 4): reports in the given statuses, oldest
 * request first (`requested_at`, then `report_id`), after the key `after` when given.
 */
export async function reportQueue(
  db: ReadDb,
  statuses: readonly ReportStatus[],
  limit: number,
  after: readonly string[] | undefined,
): Promise<Page<ReportRow>> {
  if (statuses.length === 0) return { items: [], nextCursor: null };
  const rows = await db
    .selectFrom('report_status as r')
    .select(served(reportColumns, 'r'))
    .select(cursorTime(sql.ref('r.requested_at')).as('cursor_time'))
    .where('r.status', 'in', statuses)
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('r.requested_at', 'r.report_id'),
          '>',
          eb.tuple(sql<string>`${after?.[0]}::timestamptz`, after?.[1] ?? ''),
        ),
      ),
    )
    .orderBy('r.requested_at')
    .orderBy('r.report_id')
    .limit(limit + 1)
    .$castTo<ReportRow & { cursor_time: string }>()
    .execute();
  return toPage(
    rows,
    limit,
    ({ cursor_time: _key, ...row }) => row,
    (row) => encodeCursor(REPORTS_CURSOR, [row.cursor_time, row.report_id]),
  );
}

/** Every report of the patient, newest request first (then `report_id` descending). 404 for an unknown patient. */
export async function patientReports(db: ReadDb, patientId: string): Promise<Items<ReportRow>> {
  await requirePatient(db, patientId);
  const rows = await db
    .selectFrom('report_status as r')
    .select(served(reportColumns, 'r'))
    .where('r.patient_id', '=', patientId)
    .orderBy('r.requested_at', 'desc')
    .orderBy('r.report_id', 'desc')
    .$castTo<ReportRow>()
    .execute();
  return { items: rows };
}
