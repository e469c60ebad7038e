import type { PatientProfileUpdated, PatientRegistered } from '../../libs/domain/patient/patient.events.js';
import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import type { TrackerExportRow } from './tracker-export.tables.js';
import { noLogsState, type TrackerLog, type TrackerProgress } from './tracker-state.js';

export type { TrackerExportRow } from './tracker-export.tables.js';

/** The events the tracker export handles, data typed. */
export type TrackerExportEvent = PatientRegistered | PatientProfileUpdated | SymptomLogged;

/** A person's first row: no profile, no logs. */
export function emptyTrackerRow(userId: string): TrackerExportRow {
  return { user_id: userId, ...noLogsState, age_group: null, sport_type: null, team_id: null };
}

/**
 * The row after a profile event (pure): registration sets age_group, sport_type and team_id
 * (null when absent); an update changes only the fields it carries. Logs change nothing here.
 */
export function applyProfile(row: TrackerExportRow, event: TrackerExportEvent): TrackerExportRow {
  switch (event.type) {
    case 'PatientRegistered':
      return {
        ...row,
        age_group: event.data.ageGroup ?? null,
        sport_type: event.data.sportType ?? null,
        team_id: event.data.teamId ?? null,
      };
    case 'PatientProfileUpdated':
      return {
        ...row,
        age_group: event.data.ageGroup ?? row.age_group,
        sport_type: event.data.sportType ?? row.sport_type,
        team_id: event.data.teamId ?? row.team_id,
      };
    case 'SymptomLogged':
      return row;
    default:
      return unreachable(event);
  }
}

/** The tracker's view of a log event. */
export function trackerLog(event: ProjectedEvent<SymptomLogged>): TrackerLog {
  const { data } = event;
  return {
    log_id: data.logId,
    event_id: event.id,
    symptom_id: data.symptomId,
    severity: data.severity,
    logged_at: data.loggedAt,
    reporter_type: data.reporterType,
    incident_context: data.incidentContext ?? null,
  };
}

/** A stored progress row as `TrackerProgress`. */
export function progressOf(
  row:
    | {
        stage: number;
        entered_ms: number;
        last_symptomatic_ms: number | null;
        latest_ms: number;
        amber_ms: number | null;
        red_ms: number | null;
      }
    | undefined,
): TrackerProgress | undefined {
  return row === undefined
    ? undefined
    : {
        stage: row.stage,
        enteredMs: row.entered_ms,
        lastSymptomaticMs: row.last_symptomatic_ms,
        latestMs: row.latest_ms,
        amberMs: row.amber_ms,
        redMs: row.red_ms,
      };
}

/** `TrackerProgress` as the columns of a progress row. */
export function progressColumnsOf(p: TrackerProgress) {
  return {
    stage: p.stage,
    entered_ms: p.enteredMs,
    last_symptomatic_ms: p.lastSymptomaticMs,
    latest_ms: p.latestMs,
    amber_ms: p.amberMs,
    red_ms: p.redMs,
  };
}

function unreachable(event: never): never {
  throw new Error(`unhandled tracker export event: ${JSON.stringify(event)}`);
}
