import {
  maxTriageLevel,
  triageLevelOf,
  type StagesConfig,
  type TriageLevel,
  type TriageMap,
} from '../../libs/domain/tracker/tracker-config.js';
import { computeStageHistory } from './stage-machine.js';

/** One remembered symptom log (a `tracker_export_logs` row). */
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

const HOUR_MS = 3_600_000;

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
  const ordered = logs.map((log, order) => ({ log, order, at: Date.parse(log.logged_at) })).sort((a, b) => a.at - b.at || a.order - b.order);
  const latest = ordered.at(-1);
  if (latest === undefined) return noLogsState;
  const history = computeStageHistory(
    ordered.map(({ log }) => ({ logId: log.log_id, eventId: log.event_id, severity: log.severity, loggedAt: log.logged_at })),
    stages,
  );
  const windowStart = latest.at - triageMap.windowHours * HOUR_MS;
  const triage = ordered
    .filter(({ at }) => at >= windowStart)
    .reduce<TriageLevel>((level, { log }) => maxTriageLevel(level, triageLevelOf(triageMap, log.symptom_id, log.severity)), 'green');
  return {
    current_stage: history.at(-1)?.stageName ?? null,
    last_updated: latest.log.logged_at,
    triage_level: triage,
    incident_context: latest.log.incident_context,
    reporter_type: latest.log.reporter_type,
  };
}
