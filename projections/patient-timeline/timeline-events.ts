import type { CaretrackEvent } from '../../libs/domain/events.js';
import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';

/** The event types that put a row on the timeline. */
export const timelineEventTypes = [
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
] as const satisfies readonly CaretrackEvent['type'][];

/** One of the events the timeline handles, typed by its `type`. */
export type TimelineEvent = Extract<CaretrackEvent, { type: (typeof timelineEventTypes)[number] }>;

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
