import type { StagesConfig } from '../../libs/domain/tracker/tracker-config.js';
import { computeStageHistory } from '../tracker-export/stage-machine.js';
import type { TimelineRow } from './timeline-entry.js';
import { stageChangeSeverity } from './timeline-severity.js';
import { words } from './timeline-text.js';

/** One stored symptom log of a person (a row of `patient_timeline_symptom_logs`). */
export type StoredLog = { eventId: string; logId: string; severity: number; loggedAt: string };

/** Suffix of a stage_changed row's `event_id`: `<source event id>:stage`, unique beside the symptom_logged row. */
export const STAGE_ROW_SUFFIX = ':stage';

/**
 * The `stage_changed` rows of one person (SPEC §4): every change of stage after the first log,
 * computed from ALL their logs in `loggedAt` order (ties: the order given, i.e. log order), so a
 * backdated log rewrites the sequence. Each row is dated at the log that moved them and has
 * `event_id` = that log's event id + `:stage`.
 *
 * @example stageChangedRows('p1', logs, rules)[0]?.event_id // '3f…:stage'
 */
export function stageChangedRows(patientId: string, logs: readonly StoredLog[], rules: StagesConfig): TimelineRow[] {
  return computeStageHistory(logs, rules).flatMap((change) => {
    if (change.from === null) return [];
    const fromIndex = rules.stages.indexOf(change.from);
    const direction = change.stageIndex > fromIndex ? 'up' : 'back';
    return [
      {
        event_id: `${change.eventId}${STAGE_ROW_SUFFIX}`,
        patient_id: patientId,
        event_date: change.enteredAt,
        event_type: 'stage_changed',
        title: `Stage changed: ${words(change.stageName)}`,
        description: `Moved ${direction} from ${words(change.from)} (stage ${fromIndex + 1}) to ${words(change.stageName)} (stage ${change.stageIndex + 1})`,
        severity: stageChangeSeverity(fromIndex, change.stageIndex),
        source_type: 'symptom_log',
        source_id: change.logId,
        doctor_id: null,
      },
    ];
  });
}
