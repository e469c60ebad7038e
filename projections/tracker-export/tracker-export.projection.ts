import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { ProjectionIO } from '../../libs/projection-engine/io.js';
import { defineProjection, type ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { trackerExportTable, trackerProgressTable, type TrackerExportRow } from './tracker-export.tables.js';
import {
  applyProfile,
  emptyTrackerRow,
  progressColumnsOf,
  progressOf,
  trackerLog,
  type TrackerExportEvent,
} from './tracker-row.js';
import { isInOrder, replayTracker, trackerColumns, trackerStep, type TrackerLog } from './tracker-state.js';

/**
 * `tracker_export` (SPEC §4 "Tracker rules", seed 000): per person, the return-to-sport stage,
 * triage level and latest log, with the profile's age group, sport and team. Every registered
 * person has a row (no stage and green until their first log).
 *
 * Incremental: each logging person's progress (`tracker_export_progress`) holds the stage
 * machine's state and the latest loggedAt per triage level, so a log in loggedAt order advances
 * it in O(1). A backdated log (earlier than the person's latest) re-reads that person's logs
 * up to it from the event log and replays them. Per batch: two cached loads, two writes.
 */
export const trackerExportProjection = defineProjection<TrackerExportEvent>({
  name: 'tracker_export',
  version: 2,
  eventTypes: ['PatientRegistered', 'PatientProfileUpdated', 'SymptomLogged'],
  tables: [trackerExportTable, trackerProgressTable],
  configKeys: ['triageMap', 'stages'],
  async apply(events, io, context) {
    const byUser = new Map<string, ProjectedEvent<TrackerExportEvent>[]>();
    for (const event of events) {
      const list = byUser.get(event.data.patientId);
      if (list) list.push(event);
      else byUser.set(event.data.patientId, [event]);
    }
    const loggers = [...byUser]
      .filter(([, list]) => list.some((e) => e.type === 'SymptomLogged'))
      .map(([user]) => user);
    const [rows, progress] = await Promise.all([
      io.load(trackerExportTable, byUser.keys()),
      io.load(trackerProgressTable, loggers),
    ]);
    const changedRows: TrackerExportRow[] = [];
    const changedProgress = [];
    for (const [user, list] of byUser) {
      let row = rows.get(user) ?? emptyTrackerRow(user);
      let state = progressOf(progress.get(user));
      /** the person's latest log so far (loggedAt order), once they logged in this batch */
      let latest: TrackerLog | undefined;
      for (const event of list) {
        if (event.type !== 'SymptomLogged') {
          row = applyProfile(row, event);
          continue;
        }
        const log = trackerLog(event);
        if (isInOrder(state, log.logged_at)) {
          // the common case, synchronous and O(1)
          state = trackerStep(state, log, context.triageMap, context.stages).progress;
          latest = log;
        } else {
          const replay = replayTracker(await personLogs(io, event), context.triageMap, context.stages);
          state = replay.progress!;
          latest = replay.latest!;
        }
      }
      // The log columns and the profile columns are disjoint: the log columns of the batch's
      // end state, computed once per person.
      if (latest && state) {
        row = { ...row, ...trackerColumns(state, latest, context.triageMap, context.stages) };
        changedProgress.push({ user_id: user, ...progressColumnsOf(state) });
      }
      changedRows.push(row);
    }
    io.put(trackerExportTable, changedRows);
    io.put(trackerProgressTable, changedProgress);
  },
});

/** The person's logs from the event log, up to and including `event` (its own stream holds them). */
export async function personLogs(io: ProjectionIO, event: ProjectedEvent<SymptomLogged>) {
  const history = await io.history<SymptomLogged>(event.streamId, ['SymptomLogged'], event.position);
  const mine = history.filter((e) => e.data.patientId === event.data.patientId);
  if (!mine.some((e) => e.id === event.id))
    throw new Error(
      `symptom log ${event.id}: not found in its stream ${event.streamId}; cannot replay the person's logs`,
    );
  return mine.map(trackerLog);
}
