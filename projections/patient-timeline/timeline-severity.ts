import { triageLevelOf, type TriageMap } from '../../libs/domain/tracker/tracker-config.js';

/** Severity of a timeline entry, lowest first. */
export type TimelineSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/*
 * Severity of each timeline entry.
 *
 * | event_type                  | severity                                                        |
 * |-----------------------------|-----------------------------------------------------------------|
 * | patient_registered          | info                                                            |
 * | doctor_assigned             | info                                                            |
 * | consultation                | info; `high` for an `emergency` consultation                    |
 * | consultation_status_changed | completed `info`; cancelled, no_show `low`                      |
 * | scan_uploaded               | info                                                            |
 * | prediction_made             | negative `info`, inconclusive `low`, positive stage 0–2         |
 * |                             | `medium`, 3 `high`, 4–5 `critical` (SPEC §4)                    |
 * | report_requested            | info                                                            |
 * | report_generated            | info                                                            |
 * | report_failed               | medium                                                          |
 * | symptom_logged              | severity 0–2 `low`, 3–4 `medium`, 5–6 `high`; `critical` when   |
 * |                             | the log counts as `red_flag` in triage_map.yaml (SPEC §4)       |
 * | stage_changed               | up a stage `info`; back a stage `medium`                        |
 * | session_completed           | info                                                            |
 */

/**
 * Severity of a prediction (SPEC §4).
 *
 * @example predictionSeverity('positive', 3) // 'high'
 */
export function predictionSeverity(
  result: 'positive' | 'negative' | 'inconclusive',
  stage: number | undefined,
): TimelineSeverity {
  switch (result) {
    case 'negative':
      return 'info';
    case 'inconclusive':
      return 'low';
    case 'positive':
      // a positive prediction always carries a stage (RecordPrediction); without one, the mildest positive
      return stage === undefined || stage <= 2 ? 'medium' : stage === 3 ? 'high' : 'critical';
  }
}

/**
 * Severity of a symptom log (SPEC §4): `critical` when the log counts as a red flag —
 * `triageLevelOf`, so a red-flag symptom logged at severity 0 (absent) is not critical.
 *
 * @example symptomSeverity(map, 'neck_pain', 1) // 'critical'
 */
export function symptomSeverity(map: TriageMap, symptomId: string, severity: number): TimelineSeverity {
  if (triageLevelOf(map, symptomId, severity) === 'red_flag') return 'critical';
  return severity <= 2 ? 'low' : severity <= 4 ? 'medium' : 'high';
}

/** Severity of a consultation's status change: a visit that did not happen is `low`. */
export function statusChangeSeverity(status: 'completed' | 'cancelled' | 'no_show'): TimelineSeverity {
  return status === 'completed' ? 'info' : 'low';
}

/** Severity of a recorded consultation: an emergency visit is `high`. */
export function consultationSeverity(consultationType: string): TimelineSeverity {
  return consultationType === 'emergency' ? 'high' : 'info';
}

/** Severity of a stage change: progress is `info`, falling back a stage `medium`. */
export function stageChangeSeverity(fromIndex: number, toIndex: number): TimelineSeverity {
  return toIndex > fromIndex ? 'info' : 'medium';
}
