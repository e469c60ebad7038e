import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { requireFact, unreachable, type Command } from '../shared/command.js';
import type { RecordPrediction, UploadScan } from './scan.commands.js';
import type { ScanEvent } from './scan.events.js';

/** Commands of the scan aggregate. */
export type ScanCommand = Command<'UploadScan', UploadScan> | Command<'RecordPrediction', RecordPrediction>;

/** What the decider remembers: the upload and the ids of its predictions. */
export type ScanState = { uploaded: false } | { uploaded: true; patientId: string; predictionIds: readonly string[] };

/** UploadScan needs `patientRegistered`. */
export type ScanContext = DecideContext & { patientRegistered?: boolean };

/** The scan aggregate, stream `scan-{scanId}`. */
export const scanDecider: Decider<ScanCommand, ScanEvent, ScanState, ScanContext> = {
  initialState: () => ({ uploaded: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ScanUploaded':
        return { uploaded: true, patientId: event.data.patientId, predictionIds: [] };
      case 'PredictionRecorded':
        return state.uploaded ? { ...state, predictionIds: [...state.predictionIds, event.data.predictionId] } : state;
      default:
        return unreachable(event);
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'UploadScan':
        return upload(command.data, state, context);
      case 'RecordPrediction':
        return predict(command.data, state);
      default:
        return unreachable(command);
    }
  },
};

function upload(data: UploadScan, state: ScanState, context: ScanContext): ScanEvent[] {
  if (state.uploaded) throw new ConflictError(`scan ${data.scanId} already exists`, 'already_exists');
  if (!requireFact(context.patientRegistered, 'patientRegistered')) throw new NotFoundError('patient', data.patientId);
  return [{ type: 'ScanUploaded', data: { ...data, modality: data.modality ?? 'MRI' } }];
}

function predict(data: RecordPrediction, state: ScanState): ScanEvent[] {
  if (!state.uploaded) throw new NotFoundError('scan', data.scanId);
  if (state.predictionIds.includes(data.predictionId))
    throw new ConflictError(`prediction ${data.predictionId} is already on scan ${data.scanId}`, 'already_exists');
  return [{ type: 'PredictionRecorded', data: { ...data, patientId: state.patientId } }];
}
