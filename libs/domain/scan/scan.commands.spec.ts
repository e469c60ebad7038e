import { rejectedPaths } from '../shared/test-schema.js';
import { RecordPredictionSchema, UploadScanSchema } from './scan.commands.js';

describe('UploadScan schema', () => {
  const valid = {
    scanId: 's1',
    patientId: 'p1',
    fileUri: 's3://b/s1',
    sha256: 'ABCDEF0123456789'.repeat(4),
    sizeBytes: 10,
  };

  it('accepts a scan with a 64-hex sha256', () => {
    expect(rejectedPaths(UploadScanSchema, valid)).toEqual([]);
  });

  it('rejects a short sha256, an unknown modality, a fractional size and a long URI', () => {
    expect(
      rejectedPaths(UploadScanSchema, {
        ...valid,
        sha256: 'abc',
        modality: 'PET',
        sizeBytes: 1.5,
        fileUri: 'u'.repeat(2001),
      }),
    ).toEqual(['modality', 'fileUri', 'sha256', 'sizeBytes']);
  });

  it('requires an offset on takenAt', () => {
    expect(rejectedPaths(UploadScanSchema, { ...valid, takenAt: '2025-05-30T08:00:00' })).toEqual(['takenAt']);
  });
});

describe('RecordPrediction schema', () => {
  const valid = { scanId: 's1', predictionId: 'pr1', result: 'negative', confidence: 0.2, modelVersion: 'v1' };

  it('accepts a negative result without stage', () => {
    expect(rejectedPaths(RecordPredictionSchema, valid)).toEqual([]);
  });

  it('requires a stage when the result is positive', () => {
    expect(rejectedPaths(RecordPredictionSchema, { ...valid, result: 'positive' })).toEqual(['stage']);
    expect(rejectedPaths(RecordPredictionSchema, { ...valid, result: 'positive', stage: 0 })).toEqual([]);
  });

  it('rejects a stage outside 0-5 or fractional, and a confidence outside 0-1', () => {
    expect(rejectedPaths(RecordPredictionSchema, { ...valid, stage: 6, confidence: 1.1 })).toEqual([
      'stage',
      'confidence',
    ]);
    expect(rejectedPaths(RecordPredictionSchema, { ...valid, stage: 2.5 })).toEqual(['stage']);
  });
});
