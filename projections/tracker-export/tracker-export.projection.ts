import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { ProjectionIO } from '../../libs/projection-engine/io.js';
import {
  defineProjection,
  type ProjectedEvent,
  type ProjectionContext,
} from '../../libs/projection-engine/projection.js';
import { trackerExportTable, trackerProgressTable, type TrackerExportRow } from './tracker-export.tables.js';
import {
  applyProfile,
  emptyTrackerRow,
  progressColumnsOf,
  progressOf,
  trackerLog,
  type TrackerExportEvent,
} from './tracker-row.js';
import { isInOrder, replayTracker, trackerColumns, trackerStep, type TrackerProgress } from './tracker-state.js';

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
      let logged = false;
      for (const event of list) {
        if (event.type !== 'SymptomLogged') {
          row = applyProfile(row, event);
          continue;
        }
        logged = true;
        const next = await absorb(state, event, io, context);
        state = next.progress;
        row = { ...row, ...next.columns };
      }
      changedRows.push(row);
      if (logged && state) changedProgress.push({ user_id: user, ...progressColumnsOf(state) });
    }
    io.put(trackerExportTable, changedRows);
    io.put(trackerProgressTable, changedProgress);
  },
});

/** One log folded into a person's progress: in O(1) when in loggedAt order, else by replaying their logs up to it. */
async function absorb(
  state: TrackerProgress | undefined,
  event: ProjectedEvent<SymptomLogged>,
  io: ProjectionIO,
  context: ProjectionContext,
) {
  const log = trackerLog(event);
  if (isInOrder(state, log.logged_at)) {
    const step = trackerStep(state, log, context.triageMap, context.stages);
    return { progress: step.progress, columns: trackerColumns(step.progress, log, context.triageMap, context.stages) };
  }
  const history = await personLogs(io, event);
  const replay = replayTracker(history, context.triageMap, context.stages);
  return {
    progress: replay.progress!,
    columns: trackerColumns(replay.progress!, replay.latest!, context.triageMap, context.stages),
  };
}

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
