import { sql, type Kysely } from 'kysely';
import type { Projection } from '../../libs/projection-engine/projection.js';
import { insertRows, loadRowMap, upsertRows } from '../../libs/projection-engine/rows.js';
import { trackerExportTables } from './tracker-export.tables.js';
import { trackerState, type TrackerLog } from './tracker-state.js';
import {
  applyProfile,
  emptyTrackerRow,
  trackerExportEvent,
  trackerLogRow,
  type TrackerExportRow,
} from './tracker-row.js';

/**
 * `tracker_export` (SPEC §4 "Tracker rules", seed 000): per person, the return-to-sport stage,
 * triage level and latest log, with the profile's age group, sport and team. Every registered
 * person has a row (no stage and green until their first log). Logs are remembered in
 * `tracker_export_logs`; for each person a batch logs for, stage and triage are recomputed from
 * all their logs, so a backdated log counts where its loggedAt puts it. Four statements per
 * batch: insert the logs, load the rows, load the logs of the persons who logged, upsert.
 */
export const trackerExportProjection: Projection = {
  name: 'tracker_export',
  version: 1,
  eventTypes: ['PatientRegistered', 'PatientProfileUpdated', 'SymptomLogged'],
  tableNames: ['tracker_export', 'tracker_export_logs'],
  tables: trackerExportTables,
  configKeys: ['triageMap', 'stages'],
  async apply(events, db, context) {
    const typed = events.map((stored) => ({ stored, event: trackerExportEvent(stored) }));
    const logRows = typed.flatMap(({ stored, event }) => (event.type === 'SymptomLogged' ? [trackerLogRow(event, stored)] : []));
    await insertRows(db, 'tracker_export_logs', ['user_id', 'log_id'], logRows);

    const users = [...new Set(typed.map(({ event }) => event.data.patientId))];
    const current = (await loadRowMap(db, 'tracker_export', 'user_id', users)) as Map<string, TrackerExportRow>;
    const rows = new Map<string, TrackerExportRow>();
    for (const { event } of typed) {
      const user = event.data.patientId;
      rows.set(user, applyProfile(rows.get(user) ?? current.get(user) ?? emptyTrackerRow(user), event));
    }

    const loggers = [...new Set(logRows.map((log) => log.user_id))];
    for (const [user, logs] of await loadLogs(db, loggers)) {
      rows.set(user, { ...rows.get(user)!, ...trackerState(logs, context.triageMap, context.stages) });
    }
    await upsertRows(db, 'tracker_export', ['user_id'], [...rows.values()]);
  },
};

/** Every remembered log of these persons, per person, in loggedAt then log order (one query). */
async function loadLogs(db: Kysely<unknown>, users: readonly string[]): Promise<Map<string, TrackerLog[]>> {
  const byUser = new Map<string, TrackerLog[]>(users.map((user) => [user, []]));
  if (users.length === 0) return byUser;
  const { rows } = await sql<{ user_id: string; log: TrackerLog }>`SELECT l.user_id, to_jsonb(l.*) - 'position' - 'user_id' AS log
    FROM tracker_export_logs l WHERE l.user_id = ANY(${users}::text[])
    ORDER BY l.user_id, l.logged_at, l.position`.execute(db);
  for (const { user_id, log } of rows) byUser.get(user_id)?.push(log);
  return byUser;
}
