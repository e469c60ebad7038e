import { rejectedPaths } from '../shared/test-schema.js';
import {
  AssignDoctorSchema,
  EndDoctorAssignmentSchema,
  ErasePatientSchema,
  RegisterPatientSchema,
  UpdatePatientProfileSchema,
} from './patient.commands.js';

describe('RegisterPatient schema', () => {
  const valid = {
    patientId: 'p-1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    dateOfBirth: '2008-02-29',
    jerseyNumber: 7,
  };

  it('accepts a full registration', () => {
    expect(
      rejectedPaths(RegisterPatientSchema, {
        ...valid,
        ageGroup: 'U18',
        sportType: 'football',
        teamId: 't1',
        position: 'forward',
      }),
    ).toEqual([]);
  });

  it('rejects missing names, bad ids, impossible dates and unknown fields', () => {
    expect(
      rejectedPaths(RegisterPatientSchema, { patientId: '-p', dateOfBirth: '2007-02-29', extra: 1 }).sort(),
    ).toEqual(['dateOfBirth', 'extra', 'firstName', 'lastName', 'patientId'].sort());
  });

  it('rejects ids longer than 64 characters and names longer than 200', () => {
    expect(
      rejectedPaths(RegisterPatientSchema, { ...valid, patientId: 'p'.repeat(65), firstName: 'a'.repeat(201) }),
    ).toEqual(['patientId', 'firstName']);
  });

  it('rejects a jersey number that is not an integer', () => {
    expect(rejectedPaths(RegisterPatientSchema, { ...valid, jerseyNumber: 7.5 })).toEqual(['jerseyNumber']);
  });
});

describe('UpdatePatientProfile schema', () => {
  it('accepts one changed field', () => {
    expect(rejectedPaths(UpdatePatientProfileSchema, { patientId: 'p1', sportType: 'rugby' })).toEqual([]);
  });

  it('rejects an update with no field besides patientId', () => {
    const result = UpdatePatientProfileSchema.safeParse({ patientId: 'p1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('at least one field besides patientId is required');
  });
});

describe('AssignDoctor and EndDoctorAssignment schemas', () => {
  it('accepts only the three assignment types', () => {
    expect(
      rejectedPaths(AssignDoctorSchema, { patientId: 'p1', doctorId: 'd1', assignmentType: 'specialist' }),
    ).toEqual([]);
    expect(rejectedPaths(AssignDoctorSchema, { patientId: 'p1', doctorId: 'd1', assignmentType: 'surgeon' })).toEqual([
      'assignmentType',
    ]);
  });

  it('limits free text to 10,000 characters', () => {
    expect(
      rejectedPaths(EndDoctorAssignmentSchema, { patientId: 'p1', doctorId: 'd1', reason: 'x'.repeat(10_001) }),
    ).toEqual(['reason']);
  });
});

describe('ErasePatient schema', () => {
  it('needs a patient id and a reason, and nothing else', () => {
    expect(rejectedPaths(ErasePatientSchema, { patientId: 'p1', reason: 'request #1' })).toEqual([]);
    expect(rejectedPaths(ErasePatientSchema, { patientId: 'p1', reason: '' })).toEqual(['reason']);
    expect(rejectedPaths(ErasePatientSchema, { patientId: 'p1' })).toEqual(['reason']);
    expect(rejectedPaths(ErasePatientSchema, { patientId: 'p1', reason: 'x', firstName: 'Ada' })).toEqual([
      'firstName',
    ]);
  });
});
