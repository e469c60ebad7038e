import type { DomainEvent } from './shared/decider.js';
import { isPatientEvent, patientOccurredAt, type PatientEvent } from './patient/patient.events.js';
import { doctorOccurredAt, isDoctorEvent, type DoctorEvent } from './doctor/doctor.events.js';
import { consultationOccurredAt, isConsultationEvent, type ConsultationEvent } from './consultation/consultation.events.js';
import { isScanEvent, scanOccurredAt, type ScanEvent } from './scan/scan.events.js';
import { isReportEvent, reportOccurredAt, type ReportEvent } from './report/report.events.js';
import { isTrackerEvent, trackerOccurredAt, type TrackerEvent } from './tracker/tracker.events.js';
import { isSessionEvent, sessionOccurredAt, type SessionEvent } from './session/session.events.js';

/** Every event the domain emits: what projections handle. */
export type CaretrackEvent =
  | PatientEvent
  | DoctorEvent
  | ConsultationEvent
  | ScanEvent
  | ReportEvent
  | TrackerEvent
  | SessionEvent;

/** An event type name: `'ConsultationRecorded'`, … */
export type CaretrackEventType = CaretrackEvent['type'];

/** The `data` of one event type: `EventData<'SessionCompleted'>['durationSeconds']`. */
export type EventData<T extends CaretrackEventType> = Extract<CaretrackEvent, { type: T }>['data'];

/** True for an event of any caretrack aggregate. */
export function isCaretrackEvent(event: DomainEvent): event is CaretrackEvent {
  return (
    isPatientEvent(event) ||
    isDoctorEvent(event) ||
    isConsultationEvent(event) ||
    isScanEvent(event) ||
    isReportEvent(event) ||
    isTrackerEvent(event) ||
    isSessionEvent(event)
  );
}

/**
 * Business time of any event (SPEC §3): consultationDate, loggedAt, start/end time, takenAt;
 * `now` (server time) for events that carry none and for unknown types.
 */
export function eventOccurredAt(event: DomainEvent, now: Date): Date {
  if (isConsultationEvent(event)) return consultationOccurredAt(event, now);
  if (isScanEvent(event)) return scanOccurredAt(event, now);
  if (isTrackerEvent(event)) return trackerOccurredAt(event, now);
  if (isSessionEvent(event)) return sessionOccurredAt(event, now);
  if (isPatientEvent(event)) return patientOccurredAt(event, now);
  if (isDoctorEvent(event)) return doctorOccurredAt(event, now);
  if (isReportEvent(event)) return reportOccurredAt(event, now);
  return now;
}
