import { sql } from 'kysely';
import { served, type RowOf } from './columns.js';
import type { ReadDb } from './read-database.js';
import { symptomLogExportColumns, trackerExportColumns } from './read-tables.js';

/** A `tracker_export` row as served. */
export type TrackerExportRow = RowOf<typeof trackerExportColumns>;
/** A `symptom_log_export` row as served. */
export type SymptomLogExportRow = RowOf<typeof symptomLogExportColumns>;

/** Every `tracker_export` row, by `user_id`. */
export async function trackerExport(db: ReadDb): Promise<TrackerExportRow[]> {
  return db
    .selectFrom('tracker_export as t')
    .select(served(trackerExportColumns, 't'))
    .orderBy('t.user_id')
    .$castTo<TrackerExportRow>()
    .execute();
}

/**
 * The symptom logs whose `timestamp` (loggedAt) is at or after `since` (every log when
 * undefined), oldest first, then by `log_id`.
 */
export async function symptomLogExport(db: ReadDb, since: string | undefined): Promise<SymptomLogExportRow[]> {
  return db
    .selectFrom('symptom_log_export as l')
    .select(served(symptomLogExportColumns, 'l'))
    .$if(since !== undefined, (q) => q.where('l.timestamp', '>=', sql<string>`${since}::timestamptz`))
    .orderBy('l.timestamp')
    .orderBy('l.log_id')
    .$castTo<SymptomLogExportRow>()
    .execute();
}
