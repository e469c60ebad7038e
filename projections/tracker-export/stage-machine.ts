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

const HOUR_MS = 3_600_000;

/**
 * The graded return-to-sport stages a person went through (SPEC §4 "Tracker rules"), one
 * entry per change of stage; the first log gives the first entry (`stageIndex` 0, `from` null).
 * The last entry is the current stage; an empty list means no logs.
 *
 * Logs are taken in `loggedAt` order (instants, so offsets compare correctly); logs with the
 * same instant keep the order given. Then, for each log after the first:
 * - severity ≥ `regressAtSeverity`: back one stage. At the first stage they stay, re-entering
 *   it: their entry time resets to this log, but staying is not a change, so no entry.
 * - severity ≤ `symptomFreeMaxSeverity`: up one stage (never past the last) when at least
 *   `minHoursPerStage` have passed since the later of their entry into the stage and their
 *   latest symptomatic log (severity > `symptomFreeMaxSeverity`); exactly the minimum passes.
 * - otherwise (symptomatic, below the regression threshold): no change.
 * Every symptomatic log, the first included, restarts the clock.
 *
 * @example
 * computeStageHistory([{ logId: 'l1', eventId: 'e1', severity: 4, loggedAt: '2026-01-01T08:00:00Z' },
 *   { logId: 'l2', eventId: 'e2', severity: 0, loggedAt: '2026-01-02T08:00:00Z' }], rules)
 * // [{ stageIndex: 0, stageName: 'symptom_limited_activity', from: null, logId: 'l1', … },
 * //  { stageIndex: 1, stageName: 'light_aerobic_exercise', from: 'symptom_limited_activity', logId: 'l2', … }]
 */
export function computeStageHistory(
  logs: readonly { logId: string; eventId: string; severity: number; loggedAt: string }[],
  rules: StagesConfig,
): StageChange[] {
  const ordered = logs
    .map((log, order) => ({ log, order, at: instant(log.loggedAt) }))
    .sort((a, b) => a.at - b.at || a.order - b.order);
  const history: StageChange[] = [];
  const minMs = rules.minHoursPerStage * HOUR_MS;
  let stage = 0;
  let enteredMs = 0;
  let lastSymptomaticMs = Number.NEGATIVE_INFINITY;
  const enter = (index: number, log: StageLog, at: number, from: string | null) => {
    history.push({ stageIndex: index, stageName: stageName(rules, index), enteredAt: log.loggedAt, logId: log.logId, eventId: log.eventId, from });
    stage = index;
    enteredMs = at;
  };

  for (const [i, { log, at }] of ordered.entries()) {
    if (i === 0) enter(0, log, at, null);
    else if (log.severity >= rules.regressAtSeverity) {
      if (stage === 0) enteredMs = at;
      else enter(stage - 1, log, at, stageName(rules, stage));
    } else if (log.severity <= rules.symptomFreeMaxSeverity) {
      const clockStart = Math.max(enteredMs, lastSymptomaticMs);
      if (stage < rules.stages.length - 1 && at - clockStart >= minMs) enter(stage + 1, log, at, stageName(rules, stage));
    }
    if (log.severity > rules.symptomFreeMaxSeverity) lastSymptomaticMs = at;
  }
  return history;
}

function stageName(rules: StagesConfig, index: number): string {
  const name = rules.stages[index];
  if (name === undefined) throw new RangeError(`no stage ${index} in stages.yaml`);
  return name;
}

function instant(loggedAt: string): number {
  const ms = Date.parse(loggedAt);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${JSON.stringify(loggedAt)}`);
  return ms;
}
