import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { SymptomLogRow } from './symptom-log-export.tables.js';

export type { SymptomLogRow } from './symptom-log-export.tables.js';

/**
 * The export row of one log (pure): `timestamp` is its loggedAt.
 *
 * @example symptomLogRow(logged.data).timestamp // '2026-01-01T08:00:00Z'
 */
export function symptomLogRow(data: SymptomLogged['data']): SymptomLogRow {
  return {
    log_id: data.logId,
    user_id: data.patientId,
    symptom_id: data.symptomId,
    severity: data.severity,
    timestamp: data.loggedAt,
    reporter_type: data.reporterType,
    incident_context: data.incidentContext ?? null,
  };
}

/**
 * The rows of a batch's logs, the first per log_id: log ids are unique per person only, and
 * the export keys by log_id alone (SPEC §4), so a later log reusing an id is not exported.
 */
export function firstRowPerLogId(logs: readonly SymptomLogged['data'][]): SymptomLogRow[] {
  const rows = new Map<string, SymptomLogRow>();
  for (const data of logs) if (!rows.has(data.logId)) rows.set(data.logId, symptomLogRow(data));
  return [...rows.values()];
}
