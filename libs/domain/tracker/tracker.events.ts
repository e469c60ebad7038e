import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import type { LogSymptom, ReporterType } from './tracker.commands.js';

/** A symptom was logged; `logId` (generated if absent) and `reporterType` (default `self`) always set. */
export type SymptomLogged = DomainEvent<'SymptomLogged', LogSymptom & { logId: string; reporterType: ReporterType }>;

/** Events of the `tracker-{patientId}` stream. */
export type TrackerEvent = SymptomLogged;

/** True for the events of a tracker stream. */
export const isTrackerEvent = eventGuard<TrackerEvent>({ SymptomLogged: true });

/** Business time of a log: its `loggedAt`. */
export function trackerOccurredAt(event: TrackerEvent, _now: Date): Date {
  return new Date(event.data.loggedAt);
}
