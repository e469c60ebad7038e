import type { StagesConfig } from '../../libs/domain/tracker/tracker-config.js';
import { computeStageHistory, type StageChange } from '../tracker-export/stage-machine.js';
import type { TimelineRow } from './patient-timeline.tables.js';
import { stageChangeSeverity } from './timeline-severity.js';
import { words } from './timeline-text.js';

/** One symptom log of a person as the stage rows need it. */
export type StoredLog = { eventId: string; logId: string; severity: number; loggedAt: string };

/** Suffix of a stage_changed row's `event_id`: `<source event id>:stage`, unique beside the symptom_logged row. */
export const STAGE_ROW_SUFFIX = ':stage';

/**
 * The `stage_changed` row of one change of stage (SPEC §4); `null` for the first entry (the
 * first log is not a change). Dated at the log that moved them, `event_id` = that log's event
 * id + `:stage`.
 */
export function stageRow(patientId: string, change: StageChange, rules: StagesConfig): TimelineRow | null {
  if (change.from === null) return null;
  const fromIndex = rules.stages.indexOf(change.from);
  const direction = change.stageIndex > fromIndex ? 'up' : 'back';
  return {
    event_id: `${change.eventId}${STAGE_ROW_SUFFIX}`,
    patient_id: patientId,
    event_date: change.enteredAt,
    event_type: 'stage_changed',
    title: `Stage changed: ${words(change.stageName)}`,
    description: `Moved ${direction} from ${words(change.from)} (stage ${fromIndex + 1}) to ${words(change.stageName)} (stage ${change.stageIndex + 1})`,
    description_erased: `Moved ${direction} from ${words(change.from)} (stage ${fromIndex + 1}) to ${words(change.stageName)} (stage ${change.stageIndex + 1})`,
    severity: stageChangeSeverity(fromIndex, change.stageIndex),
    source_type: 'symptom_log',
    source_id: change.logId,
    doctor_id: null,
  };
}

/**
 * The `stage_changed` rows of one person from ALL their logs in `loggedAt` order (ties: the
 * order given, i.e. log order): the full recompute the incremental projection must equal.
 *
 * @example stageChangedRows('p1', logs, rules)[0]?.event_id // '3f…:stage'
 */
export function stageChangedRows(patientId: string, logs: readonly StoredLog[], rules: StagesConfig): TimelineRow[] {
  return computeStageHistory(logs, rules).flatMap((change) => stageRow(patientId, change, rules) ?? []);
}
