import type { StagesConfig } from '../../libs/domain/tracker/tracker-config.js';

/** One symptom log as the stage machine needs it. */
export type StageLog = { logId: string; eventId: string; severity: number; loggedAt: string };

/** One change of stage: the stage entered, when, by which log, and from which stage. */
export type StageChange = {
  /** 0-based index into `rules.stages` (0 is the first stage, "stage 1" of SPEC §4) */
  stageIndex: number;
  /** `rules.stages[stageIndex]`: what `current_stage` shows */
  stageName: string;
  /** the `loggedAt` of the log that moved them there, exactly as given */
  enteredAt: string;
  logId: string;
  eventId: string;
  /** the stage left; `null` for the first entry (the first log) */
  from: string | null;
};

/**
 * Where a person stands in the stage machine after their logs so far (in loggedAt order):
 * everything the next log needs, so an in-order log advances it in O(1).
 */
export type StageState = {
  /** 0-based stage index */
  stage: number;
  /** epoch ms of the entry into the current stage */
  enteredMs: number;
  /** epoch ms of the latest symptomatic log, null when none */
  lastSymptomaticMs: number | null;
  /** epoch ms of the latest loggedAt: a log before it is backdated */
  latestMs: number;
};

const HOUR_MS = 3_600_000;

/**
 * Advances the stage machine by one log taken in loggedAt order (pure), SPEC §4 "Tracker rules":
 * - the first log (no state) puts the person at the first stage;
 * - severity ≥ `regressAtSeverity`: back one stage. At the first stage they stay, re-entering
 *   it: their entry time resets to this log, but staying is not a change;
 * - severity ≤ `symptomFreeMaxSeverity`: up one stage (never past the last) when at least
 *   `minHoursPerStage` have passed since the later of their entry into the stage and their
 *   latest symptomatic log (severity > `symptomFreeMaxSeverity`); exactly the minimum passes;
 * - otherwise (symptomatic, below the regression threshold): no change.
 * Every symptomatic log, the first included, restarts the clock.
 *
 * @example stageStep(undefined, firstLog, rules).change?.stageIndex // 0
 */
export function stageStep(
  state: StageState | undefined,
  log: StageLog,
  rules: StagesConfig,
): { state: StageState; change: StageChange | null } {
  const at = instant(log.loggedAt);
  const symptomatic = log.severity > rules.symptomFreeMaxSeverity;
  const latestMs = state === undefined ? at : Math.max(state.latestMs, at);
  const enter = (index: number, from: string | null) => ({
    state: {
      stage: index,
      enteredMs: at,
      lastSymptomaticMs: symptomatic ? at : (state?.lastSymptomaticMs ?? null),
      latestMs,
    },
    change: {
      stageIndex: index,
      stageName: stageName(rules, index),
      enteredAt: log.loggedAt,
      logId: log.logId,
      eventId: log.eventId,
      from,
    },
  });
  if (state === undefined) return enter(0, null);
  const lastSymptomaticMs = symptomatic ? at : state.lastSymptomaticMs;
  if (log.severity >= rules.regressAtSeverity) {
    if (state.stage === 0) return { state: { ...state, enteredMs: at, lastSymptomaticMs, latestMs }, change: null };
    return enter(state.stage - 1, stageName(rules, state.stage));
  }
  if (log.severity <= rules.symptomFreeMaxSeverity) {
    const clockStart = Math.max(state.enteredMs, state.lastSymptomaticMs ?? Number.NEGATIVE_INFINITY);
    if (state.stage < rules.stages.length - 1 && at - clockStart >= rules.minHoursPerStage * HOUR_MS) {
      return enter(state.stage + 1, stageName(rules, state.stage));
    }
  }
  return { state: { ...state, lastSymptomaticMs, latestMs }, change: null };
}

/** Logs in loggedAt order (instants, so offsets compare correctly); logs at the same instant keep the order given. */
export function inLoggedAtOrder<L extends { loggedAt: string }>(logs: readonly L[]): L[] {
  return logs
    .map((log, order) => ({ log, order, at: instant(log.loggedAt) }))
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map(({ log }) => log);
}

/**
 * The graded return-to-sport stages a person went through, one entry per change of stage
 * (see `stageStep`); the first log gives the first entry (`stageIndex` 0, `from` null). The
 * last entry is the current stage; an empty list means no logs. Logs are taken in loggedAt
 * order whatever order they come in.
 *
 * @example
 * computeStageHistory([{ logId: 'l1', eventId: 'e1', severity: 4, loggedAt: '2026-01-01T08:00:00Z' },
 *   { logId: 'l2', eventId: 'e2', severity: 0, loggedAt: '2026-01-02T08:00:00Z' }], rules)
 * // [{ stageIndex: 0, stageName: 'symptom_limited_activity', from: null, logId: 'l1', … },
 * //  { stageIndex: 1, stageName: 'light_aerobic_exercise', from: 'symptom_limited_activity', logId: 'l2', … }]
 */
export function computeStageHistory(logs: readonly StageLog[], rules: StagesConfig): StageChange[] {
  return replayStages(logs, rules).changes;
}

/** The full recompute: every change, and the state after the last log (undefined: no logs). */
export function replayStages(
  logs: readonly StageLog[],
  rules: StagesConfig,
): { changes: StageChange[]; state: StageState | undefined } {
  const changes: StageChange[] = [];
  let state: StageState | undefined;
  for (const log of inLoggedAtOrder(logs)) {
    const step = stageStep(state, log, rules);
    state = step.state;
    if (step.change) changes.push(step.change);
  }
  return { changes, state };
}

/** The name of stage `index`. */
export function stageName(rules: StagesConfig, index: number): string {
  const name = rules.stages[index];
  if (name === undefined) throw new RangeError(`no stage ${index} in stages.yaml`);
  return name;
}

/** Epoch ms of a loggedAt; a RangeError for anything that is not a timestamp. */
export function instant(loggedAt: string): number {
  const ms = Date.parse(loggedAt);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${JSON.stringify(loggedAt)}`);
  return ms;
}
