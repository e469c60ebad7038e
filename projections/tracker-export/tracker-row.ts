import type { PatientProfileUpdated, PatientRegistered } from '../../libs/domain/patient/patient.events.js';
import type { SymptomLogged } from '../../libs/domain/tracker/tracker.events.js';
import type { StoredEvent } from '../../libs/event-store/index.js';
import { noLogsState, type TrackerLog, type TrackerState } from './tracker-state.js';

/** One `tracker_export` row as JSON. */
export type TrackerExportRow = TrackerState & {
  user_id: string;
  age_group: string | null;
  sport_type: string | null;
  team_id: string | null;
};

/** The events the tracker export handles, data typed. */
export type TrackerExportEvent = PatientRegistered | PatientProfileUpdated | SymptomLogged;

/** Types a stored event the projection subscribed to (its data was validated when decided). */
export function trackerExportEvent(stored: StoredEvent): TrackerExportEvent {
  return { type: stored.type, data: stored.data } as TrackerExportEvent;
}

/** A person's first row: no profile, no logs. */
export function emptyTrackerRow(userId: string): TrackerExportRow {
  return { user_id: userId, ...noLogsState, age_group: null, sport_type: null, team_id: null };
}

/**
 * The row after a profile event (pure): registration sets age_group, sport_type and team_id
 * (null when absent); an update changes only the fields it carries. Logs change nothing here:
 * the projection recomputes the tracker columns from all the person's logs.
 */
export function applyProfile(row: TrackerExportRow, event: TrackerExportEvent): TrackerExportRow {
  switch (event.type) {
    case 'PatientRegistered':
      return { ...row, age_group: event.data.ageGroup ?? null, sport_type: event.data.sportType ?? null, team_id: event.data.teamId ?? null };
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

/** The `tracker_export_logs` row of a log event, `position` as a decimal string. */
export function trackerLogRow(event: SymptomLogged, stored: StoredEvent): TrackerLog & { user_id: string; position: string } {
  const { data } = event;
  return {
    user_id: data.patientId,
    log_id: data.logId,
    event_id: stored.id,
    position: stored.position.toString(10),
    symptom_id: data.symptomId,
    severity: data.severity,
    logged_at: data.loggedAt,
    reporter_type: data.reporterType,
    incident_context: data.incidentContext ?? null,
  };
}

function unreachable(event: never): never {
  throw new Error(`unhandled tracker export event: ${JSON.stringify(event)}`);
}
