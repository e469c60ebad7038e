import {
  triageLevelOf,
  type StagesConfig,
  type TriageLevel,
  type TriageMap,
} from '../../libs/domain/tracker/tracker-config.js';
import { inLoggedAtOrder, instant, stageName, stageStep, type StageChange, type StageState } from './stage-machine.js';

/** One symptom log as the tracker reads it. */
export type TrackerLog = {
  log_id: string;
  event_id: string;
  symptom_id: string;
  severity: number;
  logged_at: string;
  reporter_type: string;
  incident_context: string | null;
};

/** The columns of `tracker_export` that the symptom logs decide. */
export type TrackerState = {
  current_stage: string | null;
  last_updated: string | null;
  triage_level: TriageLevel;
  incident_context: string | null;
  reporter_type: string | null;
};

/** A person without logs: no stage, green. */
export const noLogsState: TrackerState = {
  current_stage: null,
  last_updated: null,
  triage_level: 'green',
  incident_context: null,
  reporter_type: null,
};

/**
 * A person's progress after their logs so far: the stage machine's state, and for triage the
 * latest loggedAt of a log at each level above green. With the latest loggedAt that is all
 * triage needs: the level is the highest whose latest log lies in the window ending at the
 * latest loggedAt.
 */
export type TrackerProgress = StageState & {
  /** epoch ms of the latest log counting `amber`, null when none */
  amberMs: number | null;
  /** epoch ms of the latest log counting `red_flag`, null when none */
  redMs: number | null;
};

const HOUR_MS = 3_600_000;

/** Advances a person's progress by one log taken in loggedAt order (pure); the stage change it made, if any. */
export function trackerStep(
  progress: TrackerProgress | undefined,
  log: TrackerLog,
  triageMap: TriageMap,
  stages: StagesConfig,
): { progress: TrackerProgress; change: StageChange | null } {
  const step = stageStep(
    progress,
    { logId: log.log_id, eventId: log.event_id, severity: log.severity, loggedAt: log.logged_at },
    stages,
  );
  const at = instant(log.logged_at);
  const level = triageLevelOf(triageMap, log.symptom_id, log.severity);
  const amberMs = progress?.amberMs ?? null;
  const redMs = progress?.redMs ?? null;
  return {
    progress: {
      ...step.state,
      amberMs: level === 'amber' ? Math.max(at, amberMs ?? at) : amberMs,
      redMs: level === 'red_flag' ? Math.max(at, redMs ?? at) : redMs,
    },
    change: step.change,
  };
}

/** True when a log at `loggedAt` comes after everything folded into `progress` (ties: later in the log). */
export function isInOrder(progress: StageState | undefined, loggedAt: string): boolean {
  return progress === undefined || instant(loggedAt) >= progress.latestMs;
}

/** The triage level of a person's progress (SPEC §4): the window ends at their latest loggedAt, both ends included. */
export function triageOf(progress: TrackerProgress, triageMap: TriageMap): TriageLevel {
  const windowStart = progress.latestMs - triageMap.windowHours * HOUR_MS;
  if (progress.redMs !== null && progress.redMs >= windowStart) return 'red_flag';
  if (progress.amberMs !== null && progress.amberMs >= windowStart) return 'amber';
  return 'green';
}

/** The tracker columns of a person's progress and their latest log (the last in loggedAt order). */
export function trackerColumns(
  progress: TrackerProgress,
  latest: TrackerLog,
  triageMap: TriageMap,
  stages: StagesConfig,
): TrackerState {
  return {
    current_stage: stageName(stages, progress.stage),
    last_updated: latest.logged_at,
    triage_level: triageOf(progress, triageMap),
    incident_context: latest.incident_context,
    reporter_type: latest.reporter_type,
  };
}

/** Every log replayed in loggedAt order (logs at the same instant in the order given): the full recompute. */
export function replayTracker(
  logs: readonly TrackerLog[],
  triageMap: TriageMap,
  stages: StagesConfig,
): { progress: TrackerProgress | undefined; latest: TrackerLog | undefined; changes: StageChange[] } {
  let progress: TrackerProgress | undefined;
  const changes: StageChange[] = [];
  const ordered = inLoggedAtOrder(logs.map((log) => ({ log, loggedAt: log.logged_at })));
  for (const { log } of ordered) {
    const step = trackerStep(progress, log, triageMap, stages);
    progress = step.progress;
    if (step.change) changes.push(step.change);
  }
  return { progress, latest: ordered.at(-1)?.log, changes };
}

/**
 * A person's tracker columns from all their logs (pure), taken in loggedAt order (logs with the
 * same instant in the order given). `current_stage`: the stage machine's last stage.
 * `last_updated`: the latest loggedAt. `triage_level`: the highest level among logs with
 * severity > 0 whose loggedAt lies in the `windowHours` ending at the latest loggedAt (both
 * ends included), green when none. `incident_context` and `reporter_type`: the latest log's.
 *
 * @example trackerState(logs, context.triageMap, context.stages).current_stage // 'light_aerobic_exercise'
 */
export function trackerState(logs: readonly TrackerLog[], triageMap: TriageMap, stages: StagesConfig): TrackerState {
  const { progress, latest } = replayTracker(logs, triageMap, stages);
  return progress && latest ? trackerColumns(progress, latest, triageMap, stages) : noLogsState;
}
