import { z } from 'zod';
import { MAX_LENGTH, id, name } from '../shared/fields.js';

/** RegisterDoctor: a new doctor; 409 if registered. */
export const RegisterDoctorSchema = z
  .object({
    doctorId: id(),
    name: name(),
    specialization: name().optional(),
    email: z.email().max(MAX_LENGTH.email).optional(),
  })
  .strict();
export type RegisterDoctor = z.infer<typeof RegisterDoctorSchema>;
