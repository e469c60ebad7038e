import { sql, type Kysely } from 'kysely';
import { selectList, type RowOf } from './columns.js';
import { symptomLogExportColumns, trackerExportColumns } from './read-tables.js';

/** A `tracker_export` row as served. */
export type TrackerExportRow = RowOf<typeof trackerExportColumns>;
/** A `symptom_log_export` row as served. */
export type SymptomLogExportRow = RowOf<typeof symptomLogExportColumns>;

/** Every `tracker_export` row, by `user_id`. */
export async function trackerExport(db: Kysely<unknown>): Promise<TrackerExportRow[]> {
  const { rows } = await sql<TrackerExportRow>`SELECT ${selectList(trackerExportColumns, 't')} FROM tracker_export t ORDER BY t.user_id`.execute(db);
  return rows;
}

/**
 * The symptom logs whose `timestamp` (loggedAt) is at or after `since` (every log when
 * undefined), oldest first, then by `log_id`.
 */
export async function symptomLogExport(db: Kysely<unknown>, since: string | undefined): Promise<SymptomLogExportRow[]> {
  const { rows } = await sql<SymptomLogExportRow>`SELECT ${selectList(symptomLogExportColumns, 'l')} FROM symptom_log_export l
    ${since === undefined ? sql`` : sql`WHERE l."timestamp" >= ${since}::timestamptz`}
    ORDER BY l."timestamp", l.log_id`.execute(db);
  return rows;
}
