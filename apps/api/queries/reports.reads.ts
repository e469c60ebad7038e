import { sql, type Kysely } from 'kysely';
import { cursorTime, selectList, type RowOf } from './columns.js';
import { encodeCursor } from './cursor.js';
import { toPage, type Items, type Page } from './page.js';
import { requirePatient } from './patients.reads.js';
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
  db: Kysely<unknown>,
  statuses: readonly ReportStatus[],
  limit: number,
  after: readonly string[] | undefined,
): Promise<Page<ReportRow>> {
  const { rows } = await sql<ReportRow & { cursor_time: string }>`
    SELECT ${selectList(reportColumns, 'r')}, ${cursorTime(sql.ref('r.requested_at'))} AS cursor_time
    FROM report_status r
    WHERE r.status = ANY(${[...statuses]}::text[])
      ${after === undefined ? sql`` : sql`AND (r.requested_at, r.report_id) > (${after[0]}::timestamptz, ${after[1]})`}
    ORDER BY r.requested_at, r.report_id
    LIMIT ${limit + 1}`.execute(db);
  return toPage(
    rows,
    limit,
    ({ cursor_time: _key, ...row }) => row,
    (row) => encodeCursor(REPORTS_CURSOR, [row.cursor_time, row.report_id]),
  );
}

/** Every report of the patient, newest request first (then `report_id` descending). 404 for an unknown patient. */
export async function patientReports(db: Kysely<unknown>, patientId: string): Promise<Items<ReportRow>> {
  await requirePatient(db, patientId);
  const { rows } = await sql<ReportRow>`SELECT ${selectList(reportColumns, 'r')} FROM report_status r
    WHERE r.patient_id = ${patientId}
    ORDER BY r.requested_at DESC, r.report_id DESC`.execute(db);
  return { items: rows };
}
