import { z } from 'zod';
import { id, name, timestamp, uri } from '../shared/fields.js';

/** Imaging modalities; `MRI` when absent. */
export const modalities = ['MRI', 'CT', 'XRAY', 'US'] as const;
export type Modality = (typeof modalities)[number];
/** Outcomes of a model prediction. */
export const predictionResults = ['positive', 'negative', 'inconclusive'] as const;

/** UploadScan: patient registered (404); 409 if the id exists. */
export const UploadScanSchema = z
  .object({
    scanId: id(),
    patientId: id(),
    doctorId: id().optional(),
    modality: z.enum(modalities).optional(),
    bodyRegion: name().optional(),
    fileUri: uri(),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters'),
    sizeBytes: z.int().min(0),
    takenAt: timestamp().optional(),
  })
  .strict();
export type UploadScan = z.infer<typeof UploadScanSchema>;

/** RecordPrediction: scan exists (404); 409 if the predictionId is already on the scan. */
export const RecordPredictionSchema = z
  .object({
    scanId: id(),
    predictionId: id(),
    result: z.enum(predictionResults),
    stage: z.int().min(0).max(5).optional(),
    confidence: z.number().min(0).max(1),
    modelVersion: name(),
  })
  .strict()
  .superRefine((command, ctx) => {
    if (command.result === 'positive' && command.stage === undefined)
      ctx.addIssue({ code: 'custom', path: ['stage'], message: 'stage (0-5) is required when result is positive' });
  });
export type RecordPrediction = z.infer<typeof RecordPredictionSchema>;
