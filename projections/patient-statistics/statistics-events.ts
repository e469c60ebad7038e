import type { ProjectedEvent } from '../../libs/projection-engine/projection.js';
import { handledEventTypes, type HandledEvent } from '../handled-events.js';

/** The event types that change a patient's statistics. */
export const statisticsEventTypes = handledEventTypes([
  'PatientRegistered',
  'DoctorAssigned',
  'ConsultationRecorded',
  'ConsultationStatusChanged',
  'ScanUploaded',
  'PredictionRecorded',
  'ReportGenerated',
  'SymptomLogged',
  'SessionCompleted',
]);

/** One of the events the statistics handle, typed by its `type`, personal fields `null` once erased. */
export type StatisticsEvent = HandledEvent<(typeof statisticsEventTypes)[number]>;

/** What the statistics read of an event: business time, the patient, the typed body. */
export type StatisticsSource = {
  /** `metadata.occurredAt`, business time */
  occurredAt: string;
  /** the patient the event is about (`playerId` of a session) */
  patientId: string;
  event: StatisticsEvent;
};

/**
 * The statistics' view of an event.
 *
 * @example toStatisticsSource(event).patientId // 'p1'
 */
export function toStatisticsSource(event: ProjectedEvent<StatisticsEvent>): StatisticsSource {
  return {
    occurredAt: event.occurredAt,
    patientId: event.type === 'SessionCompleted' ? event.data.playerId : event.data.patientId,
    event,
  };
}
