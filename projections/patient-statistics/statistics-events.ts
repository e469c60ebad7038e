import type { CaretrackEvent } from '../../libs/domain/events.js';
import type { StoredEvent } from '../../libs/event-store/index.js';

/** The event types that change a patient's statistics. */
export const statisticsEventTypes = [
  'PatientRegistered',
  'DoctorAssigned',
  'ConsultationRecorded',
  'ConsultationStatusChanged',
  'ScanUploaded',
  'PredictionRecorded',
  'ReportGenerated',
  'SymptomLogged',
  'SessionCompleted',
] as const satisfies readonly CaretrackEvent['type'][];

/** One of the events the statistics handle, typed by its `type`. */
export type StatisticsEvent = Extract<CaretrackEvent, { type: (typeof statisticsEventTypes)[number] }>;

/** What the statistics read of a stored event: business time, the patient, the typed body. */
export type StatisticsSource = {
  /** `metadata.occurredAt`, business time */
  occurredAt: string;
  /** the patient the event is about (`playerId` of a session) */
  patientId: string;
  event: StatisticsEvent;
};

/**
 * Types a stored event for the statistics (the engine only passes `statisticsEventTypes`).
 *
 * @example toStatisticsSource(stored).patientId // 'p1'
 */
export function toStatisticsSource(stored: StoredEvent): StatisticsSource {
  const event = { type: stored.type, data: stored.data } as StatisticsEvent;
  return {
    occurredAt: String(stored.metadata['occurredAt']),
    patientId: event.type === 'SessionCompleted' ? event.data.playerId : event.data.patientId,
    event,
  };
}
