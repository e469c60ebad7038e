import type { DomainEvent } from '../shared/decider.js';
import { eventGuard } from '../shared/command.js';
import type { Modality, RecordPrediction, UploadScan } from './scan.commands.js';

/** A scan was uploaded; `modality` defaults to `MRI`. */
export type ScanUploaded = DomainEvent<'ScanUploaded', UploadScan & { modality: Modality }>;

/** A model prediction on a scan; carries the scan's patient. */
export type PredictionRecorded = DomainEvent<'PredictionRecorded', RecordPrediction & { patientId: string }>;

/** Events of the `scan-{scanId}` stream. */
export type ScanEvent = ScanUploaded | PredictionRecorded;

/** True for the events of a scan stream. */
export const isScanEvent = eventGuard<ScanEvent>({ ScanUploaded: true, PredictionRecorded: true });

/** Business time: `takenAt` of an upload when given, else the server time. */
export function scanOccurredAt(event: ScanEvent, now: Date): Date {
  return event.type === 'ScanUploaded' && event.data.takenAt !== undefined ? new Date(event.data.takenAt) : now;
}
