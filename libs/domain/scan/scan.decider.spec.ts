import { ConflictError, NotFoundError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith } from '../shared/test-context.js';
import { scanDecider } from './scan.decider.js';
import { scanOccurredAt, type ScanEvent } from './scan.events.js';

const known = contextWith({ patientRegistered: true });
const fields = { scanId: 's1', patientId: 'p1', fileUri: 's3://scans/s1.nii', sha256: 'a'.repeat(64), sizeBytes: 1024 };
const upload = { type: 'UploadScan', data: fields } as const;
const uploaded: ScanEvent = { type: 'ScanUploaded', data: { ...fields, modality: 'MRI' } };
const predict = {
  type: 'RecordPrediction',
  data: { scanId: 's1', predictionId: 'pr1', result: 'positive', stage: 3, confidence: 0.91, modelVersion: 'v2.1' },
} as const;

describe('UploadScan', () => {
  it('uploads a scan with modality MRI by default', () => {
    expect(given(scanDecider).when(upload, known)).toEqual([
      { type: 'ScanUploaded', data: { ...fields, modality: 'MRI' } },
    ]);
  });

  it('keeps the modality sent', () => {
    const event = given(scanDecider).whenOne({ ...upload, data: { ...fields, modality: 'CT' } }, known);
    expect(event.data).toMatchObject({ modality: 'CT' });
  });

  it('rejects an unregistered patient with 404', () => {
    const error = given(scanDecider).error(upload, contextWith({ patientRegistered: false }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ aggregate: 'patient', id: 'p1' });
  });

  it('rejects an existing scan id with 409', () => {
    expect(given(scanDecider, uploaded).error(upload, known)).toBeInstanceOf(ConflictError);
  });

  it('happened when taken, or at server time without takenAt', () => {
    const event = given(scanDecider).whenOne(
      { ...upload, data: { ...fields, takenAt: '2025-05-30T08:00:00+02:00' } },
      known,
    );
    expect(scanOccurredAt(event, known.now).toISOString()).toBe('2025-05-30T06:00:00.000Z');
    expect(scanOccurredAt(uploaded, known.now)).toBe(known.now);
  });
});

describe('RecordPrediction', () => {
  it('records a prediction with the scan’s patient', () => {
    expect(given(scanDecider, uploaded).when(predict, known)).toEqual([
      { type: 'PredictionRecorded', data: { ...predict.data, patientId: 'p1' } },
    ]);
  });

  it('rejects a prediction on an unknown scan with 404', () => {
    const error = given(scanDecider).error(predict, known);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ aggregate: 'scan', id: 's1' });
  });

  it('rejects a predictionId already on the scan with 409', () => {
    const recorded: ScanEvent = { type: 'PredictionRecorded', data: { ...predict.data, patientId: 'p1' } };
    expect(given(scanDecider, uploaded, recorded).error(predict, known)).toBeInstanceOf(ConflictError);
  });

  it('records a second prediction with another id', () => {
    const recorded: ScanEvent = { type: 'PredictionRecorded', data: { ...predict.data, patientId: 'p1' } };
    const other = { ...predict, data: { ...predict.data, predictionId: 'pr2' } };
    expect(given(scanDecider, uploaded, recorded).when(other, known)).toHaveLength(1);
  });
});
