import { z } from 'zod';
import { id, timestamp } from '../shared/fields.js';

/** Who logged a symptom; `self` when absent. */
export const reporterTypes = ['self', 'coach', 'clinician', 'parent'] as const;
export type ReporterType = (typeof reporterTypes)[number];
/** Where the incident happened. */
export const incidentContexts = ['practice', 'game', 'training', 'other'] as const;

/** A symptom key of triage_map.yaml: snake_case. */
export const SYMPTOM_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** LogSymptom: patient registered (404); unknown symptomId 400; loggedAt at most 5 min ahead. */
export const LogSymptomSchema = z
  .object({
    patientId: id(),
    symptomId: z.string().regex(SYMPTOM_KEY_PATTERN, 'must be a snake_case key of triage_map.yaml'),
    severity: z.int().min(0).max(6),
    loggedAt: timestamp(),
    reporterType: z.enum(reporterTypes).optional(),
    incidentContext: z.enum(incidentContexts).optional(),
    logId: id().optional(),
  })
  .strict();
export type LogSymptom = z.infer<typeof LogSymptomSchema>;
