import type { CaretrackEvent } from '../../libs/domain/events.js';
import type { StoredEvent } from '../../libs/event-store/index.js';

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

/** What the timeline reads of a stored event: its id, business time, log position and typed body. */
export type TimelineSource = {
  id: string;
  /** `metadata.occurredAt`, business time */
  occurredAt: string;
  /** the log position as a decimal string */
  position: string;
  event: TimelineEvent;
};

/**
 * Types a stored event for the timeline (the engine only passes `timelineEventTypes`).
 *
 * @example toTimelineSource(stored).event.type // 'ScanUploaded'
 */
export function toTimelineSource(stored: StoredEvent): TimelineSource {
  return {
    id: stored.id,
    occurredAt: String(stored.metadata['occurredAt']),
    position: stored.position.toString(10),
    event: { type: stored.type, data: stored.data } as TimelineEvent,
  };
}
