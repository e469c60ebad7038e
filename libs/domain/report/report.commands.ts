import { z } from 'zod';
import { id, name, text, uri } from '../shared/fields.js';

/** RequestReport: patient registered (404); 409 if the id exists. `priority` 1–5, default 3. */
export const RequestReportSchema = z
  .object({ reportId: id(), patientId: id(), reportType: name(), priority: z.int().min(1).max(5).optional() })
  .strict();
export type RequestReport = z.infer<typeof RequestReportSchema>;

/** StartReportGeneration: from `pending`, or from `failed` while retries < 3. */
export const StartReportGenerationSchema = z.object({ reportId: id() }).strict();
export type StartReportGeneration = z.infer<typeof StartReportGenerationSchema>;

/** CompleteReport: from `generating` only. */
export const CompleteReportSchema = z.object({ reportId: id(), reportUri: uri() }).strict();
export type CompleteReport = z.infer<typeof CompleteReportSchema>;

/** FailReport: from `generating` only; increments the retry count. */
export const FailReportSchema = z.object({ reportId: id(), errorMessage: text().min(1) }).strict();
export type FailReport = z.infer<typeof FailReportSchema>;
