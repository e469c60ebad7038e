import { z } from 'zod';
import { dateOrTimestamp, id, isoDate, money, text } from '../shared/fields.js';

/** How a consultation took place. */
export const consultationTypes = ['in_person', 'telemedicine', 'follow_up', 'emergency'] as const;
/** Every status a consultation can have. */
export const consultationStatuses = ['scheduled', 'completed', 'cancelled', 'no_show'] as const;
export type ConsultationStatus = (typeof consultationStatuses)[number];

/** RecordConsultation: patient and doctor registered (404); 409 if the id exists. */
export const RecordConsultationSchema = z
  .object({
    consultationId: id(),
    patientId: id(),
    doctorId: id(),
    consultationType: z.enum(consultationTypes),
    consultationDate: dateOrTimestamp(),
    status: z.enum(['scheduled', 'completed']).optional(),
    chiefComplaint: text().optional(),
    diagnosis: text().optional(),
    prescription: text().optional(),
    durationMinutes: z
      .int()
      .min(0)
      .max(24 * 60)
      .optional(),
    fee: money().optional(),
    nextVisitDate: isoDate().optional(),
    notes: text().optional(),
  })
  .strict();
export type RecordConsultation = z.infer<typeof RecordConsultationSchema>;

/** ChangeConsultationStatus: only from `scheduled` (409 otherwise). */
export const ChangeConsultationStatusSchema = z
  .object({
    consultationId: id(),
    status: z.enum(['completed', 'cancelled', 'no_show']),
    reason: text().optional(),
  })
  .strict();
export type ChangeConsultationStatus = z.infer<typeof ChangeConsultationStatusSchema>;
