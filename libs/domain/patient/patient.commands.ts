import { z } from 'zod';
import { id, isoDate, name, text } from '../shared/fields.js';

/** Profile fields shared by registration and update (all optional). */
const profileFields = {
  dateOfBirth: isoDate().optional(),
  ageGroup: name().optional(),
  sportType: name().optional(),
  teamId: id().optional(),
  position: name().optional(),
  jerseyNumber: z.int().min(0).max(999).optional(),
};

/** RegisterPatient: a new athlete; 409 if registered. */
export const RegisterPatientSchema = z
  .object({ patientId: id(), firstName: name(), lastName: name(), ...profileFields })
  .strict();
export type RegisterPatient = z.infer<typeof RegisterPatientSchema>;

/** UpdatePatientProfile: changes at least one profile field; 404 if not registered. */
export const UpdatePatientProfileSchema = z
  .object({ patientId: id(), firstName: name().optional(), lastName: name().optional(), ...profileFields })
  .strict()
  .refine((command) => Object.entries(command).some(([key, value]) => key !== 'patientId' && value !== undefined), {
    message: 'at least one field besides patientId is required',
  });
export type UpdatePatientProfile = z.infer<typeof UpdatePatientProfileSchema>;

/** The kinds of doctor assignment. */
export const assignmentTypes = ['primary', 'consultant', 'specialist'] as const;

/** AssignDoctor: patient and doctor registered (404); 409 if already actively assigned. */
export const AssignDoctorSchema = z
  .object({ patientId: id(), doctorId: id(), assignmentType: z.enum(assignmentTypes), notes: text().optional() })
  .strict();
export type AssignDoctor = z.infer<typeof AssignDoctorSchema>;

/** EndDoctorAssignment: 409 if the doctor has no active assignment. */
export const EndDoctorAssignmentSchema = z
  .object({ patientId: id(), doctorId: id(), reason: text().optional() })
  .strict();
export type EndDoctorAssignment = z.infer<typeof EndDoctorAssignmentSchema>;

/**
 * ErasePatient (role `admin`, SPEC §9): destroys the patient's data key; 404 if not registered,
 * 409 if already erased. `reason` stays in clear in the log for ever: a reference (a request
 * number), never personal data.
 */
export const ErasePatientSchema = z.object({ patientId: id(), reason: text().min(1) }).strict();
export type ErasePatient = z.infer<typeof ErasePatientSchema>;
