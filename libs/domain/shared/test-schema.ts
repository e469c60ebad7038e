import type { z } from 'zod';
import { validationErrorFromZod } from './command.js';

/**
 * The paths a schema rejects in `body` (empty when valid), as the HTTP edge reports them.
 *
 * @example rejectedPaths(RegisterPatientSchema, { patientId: 'p1' }) // ['firstName', 'lastName']
 */
export function rejectedPaths(schema: z.ZodType, body: unknown): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : validationErrorFromZod(result.error).errors.map((error) => error.path);
}
