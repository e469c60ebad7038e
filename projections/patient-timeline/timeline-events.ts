import type { PatientErased } from '../../libs/domain/patient/patient.events.js';
import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { handledEventTypes, type HandledEvent } from '../handled-events.js';

/** The event types that put a row on the timeline. */
export const timelineEventTypes = handledEventTypes([
  'PatientRegistered',
  'DoctorAssigned',
  'ConsultationRecorded',
  'ConsultationStatusChanged',
  'ScanUploaded',
  'PredictionRecorded',
  'ReportRequested',
  'ReportGenerated',
  'ReportGenerationFailed',
  'SymptomLogged',
  'SessionCompleted',
]);

/** One of the events that put a row on the timeline, typed by its `type`, personal fields `null` once erased. */
export type TimelineEvent = HandledEvent<(typeof timelineEventTypes)[number]>;

/** What the projection handles: the row events and PatientErased. */
export type TimelineInput = TimelineEvent | PatientErased;

/**
 * The personal fields (SPEC §9) of the timeline's events, as the catalogue of
 * libs/personal-data lists them (timeline-entry.spec.ts checks that they agree). The timeline
 * writes each row's text twice: from the event, and from the event with these fields `null`
 * (`description_erased`), which replaces the first when the patient is erased.
 */
export const timelinePersonalFields: { readonly [T in TimelineEvent['type']]: readonly string[] } = {
  PatientRegistered: ['firstName', 'lastName', 'dateOfBirth'],
  DoctorAssigned: ['notes'],
  ConsultationRecorded: ['chiefComplaint', 'diagnosis', 'prescription', 'notes'],
  ConsultationStatusChanged: ['reason'],
  ScanUploaded: ['fileUri'],
  PredictionRecorded: [],
  ReportRequested: [],
  ReportGenerated: ['reportUri'],
  ReportGenerationFailed: ['errorMessage'],
  SymptomLogged: [],
  SessionCompleted: [],
};

/**
 * The source as it reads once its patient is erased: its personal fields `null` (pure).
 *
 * @example erasedSource(registered).event.data.firstName // null
 */
export function erasedSource(source: TimelineSource): TimelineSource {
  const fields = timelinePersonalFields[source.event.type];
  if (fields.length === 0) return source;
  const data = { ...source.event.data, ...Object.fromEntries(fields.map((field) => [field, null])) };
  // Safe: the same event with fields its Erasable type allows to be null set to null.
  return { ...source, event: { ...source.event, data } as TimelineEvent };
}

/** What the timeline reads of an event: its id, business time, log position and typed body. */
export type TimelineSource = {
  id: string;
  /** `metadata.occurredAt`, business time */
  occurredAt: string;
  /** the log position as a decimal string */
  position: string;
  event: TimelineEvent;
};

/**
 * The timeline's view of an event.
 *
 * @example toTimelineSource(event).event.type // 'ScanUploaded'
 */
export function toTimelineSource(event: ProjectedEvent<TimelineEvent>): TimelineSource {
  return { id: event.id, occurredAt: event.occurredAt, position: event.position.toString(10), event };
}
