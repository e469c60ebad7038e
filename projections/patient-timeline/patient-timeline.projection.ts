import type { StagesConfig } from '../../libs/domain/tracker/tracker-config.js';
import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { ProjectionIO } from '../../libs/projection-engine/io.js';
import { defineProjection, type ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { replayStages, stageStep, type StageState } from '../tracker-export/stage-machine.js';
import { isInOrder } from '../tracker-export/tracker-state.js';
import { personLogs } from '../tracker-export/tracker-export.projection.js';
import {
  patientTimelineTable,
  timelineProgressTable,
  timelineScansTable,
  type TimelineRow,
} from './patient-timeline.tables.js';
import { stageRow } from './stage-rows.js';
import { timelineEntry } from './timeline-entry.js';
import { timelineEventTypes, toTimelineSource, type TimelineEvent, type TimelineInput } from './timeline-events.js';

/**
 * `patient_timeline`: one row per handled event (SPEC §4), plus the `stage_changed` rows of the
 * tracker's return-to-sport stages.
 *
 * Incremental: each logging person's place in the stage machine (`patient_timeline_progress`)
 * lets a log in loggedAt order add its stage_changed row, if any, in O(1). A backdated log
 * re-reads that person's logs up to it from the event log, replays them with and without it,
 * and deletes or writes only the stage rows that differ. Per batch: two cached loads (the
 * scans predictions refer to, the loggers' progress), then one insert per table.
 *
 * Erasure (SPEC §9): each row keeps `description_erased`, its text written from the event with
 * the personal fields `null`; PatientErased copies it over `description` for the patient's rows.
 * A rebuild after the erasure reads the events erased and writes the same texts directly.
 */
export const patientTimelineProjection = defineProjection<TimelineInput>({
  name: 'patient_timeline',
  version: 3,
  eventTypes: [...timelineEventTypes, 'PatientErased'],
  tables: [patientTimelineTable, timelineScansTable, timelineProgressTable],
  configKeys: ['triageMap', 'stages'],
  async apply(input, io, context) {
    const erased = new Set(input.flatMap((e) => (e.type === 'PatientErased' ? [e.data.patientId] : [])));
    const events = input.filter((e): e is ProjectedEvent<TimelineEvent> => e.type !== 'PatientErased');
    const scanIds = events.flatMap((e) =>
      e.type === 'ScanUploaded' || e.type === 'PredictionRecorded' ? [e.data.scanId] : [],
    );
    const logsByPerson = new Map<string, ProjectedEvent<SymptomLogged>[]>();
    for (const event of events) {
      if (event.type !== 'SymptomLogged') continue;
      const list = logsByPerson.get(event.data.patientId);
      if (list) list.push(event);
      else logsByPerson.set(event.data.patientId, [event]);
    }
    const [storedScans, progress] = await Promise.all([
      io.load(timelineScansTable, scanIds),
      io.load(timelineProgressTable, logsByPerson.keys()),
    ]);

    const newScans = new Map<string, { scan_id: string; patient_id: string; doctor_id: string | null }>();
    for (const e of events) {
      if (e.type === 'ScanUploaded' && !storedScans.has(e.data.scanId) && !newScans.has(e.data.scanId)) {
        newScans.set(e.data.scanId, {
          scan_id: e.data.scanId,
          patient_id: e.data.patientId,
          doctor_id: e.data.doctorId ?? null,
        });
      }
    }
    const scanDoctor = (scanId: string) => (newScans.get(scanId) ?? storedScans.get(scanId))?.doctor_id ?? null;
    io.insert(
      patientTimelineTable,
      events.map((e) => timelineEntry(toTimelineSource(e), { triageMap: context.triageMap, scanDoctor })),
      'ignore',
    );
    io.put(timelineScansTable, newScans.values());

    const changedProgress = [];
    for (const [person, logs] of logsByPerson) {
      let state: StageState | undefined = progressOf(progress.get(person));
      for (const log of logs)
        state = isInOrder(state, log.data.loggedAt)
          ? stageInOrder(person, state, log, io, context.stages)
          : await stageRowsBackdated(person, log, io, context.stages);
      changedProgress.push({
        patient_id: person,
        stage: state!.stage,
        entered_ms: state!.enteredMs,
        last_symptomatic_ms: state!.lastSymptomaticMs,
        latest_ms: state!.latestMs,
      });
    }
    io.put(timelineProgressTable, changedProgress);
    if (erased.size > 0) await eraseDescriptions(io, erased);
  },
});

/**
 * The stored rows of erased patients take their erased text. Rows this batch wrote need nothing:
 * the engine hands a batch with a patient's erasure with all of that patient's events erased.
 */
async function eraseDescriptions(io: ProjectionIO, patients: ReadonlySet<string>): Promise<void> {
  const rows = await io.loadWhere(patientTimelineTable, 'patient_id', patients);
  io.put(
    patientTimelineTable,
    rows
      .filter((row) => row.description !== row.description_erased)
      .map((row) => ({ ...row, description: row.description_erased })),
  );
}

/** Folds one log in loggedAt order into a person's stage state, in O(1) (synchronous: the common case). */
function stageInOrder(
  person: string,
  state: StageState | undefined,
  event: ProjectedEvent<SymptomLogged>,
  io: ProjectionIO,
  rules: StagesConfig,
): StageState {
  const log = {
    logId: event.data.logId,
    eventId: event.id,
    severity: event.data.severity,
    loggedAt: event.data.loggedAt,
  };
  const step = stageStep(state, log, rules);
  const row = step.change && stageRow(person, step.change, rules);
  if (row) io.put(patientTimelineTable, [row]);
  return step.state;
}

/**
 * A backdated log: the stage rows from this log's time on may all change. Replays the
 * person's logs without it (what the table holds) and with it, and hands `io` the rows that
 * differ (added, changed or removed).
 */
async function stageRowsBackdated(
  person: string,
  event: ProjectedEvent<SymptomLogged>,
  io: ProjectionIO,
  rules: StagesConfig,
): Promise<StageState> {
  const logs = (await personLogs(io, event)).map((l) => ({
    logId: l.log_id,
    eventId: l.event_id,
    severity: l.severity,
    loggedAt: l.logged_at,
  }));
  const before = rowsById(
    person,
    replayStages(
      logs.filter((l) => l.eventId !== event.id),
      rules,
    ).changes,
    rules,
  );
  const after = replayStages(logs, rules);
  const rows = rowsById(person, after.changes, rules);
  io.delete(
    patientTimelineTable,
    [...before.keys()].filter((id) => !rows.has(id)),
  );
  io.put(
    patientTimelineTable,
    [...rows].filter(([id, row]) => JSON.stringify(before.get(id)) !== JSON.stringify(row)).map(([, row]) => row),
  );
  return after.state!;
}

function rowsById(
  person: string,
  changes: ReturnType<typeof replayStages>['changes'],
  rules: StagesConfig,
): Map<string, TimelineRow> {
  return new Map(changes.flatMap((c) => stageRow(person, c, rules) ?? []).map((row) => [row.event_id, row]));
}

function progressOf(
  row: { stage: number; entered_ms: number; last_symptomatic_ms: number | null; latest_ms: number } | undefined,
): StageState | undefined {
  return (
    row && {
      stage: row.stage,
      enteredMs: row.entered_ms,
      lastSymptomaticMs: row.last_symptomatic_ms,
      latestMs: row.latest_ms,
    }
  );
}

export { timelineEventTypes };
