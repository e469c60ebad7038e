import { ConflictError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith } from '../shared/test-context.js';
import { rejectedPaths } from '../shared/test-schema.js';
import { RegisterDoctorSchema } from './doctor.commands.js';
import { doctorDecider } from './doctor.decider.js';

const ctx = contextWith({});
const command = {
  type: 'RegisterDoctor',
  data: { doctorId: 'd1', name: 'Dr Grey', specialization: 'neurology', email: 'grey@example.org' },
} as const;

describe('RegisterDoctor', () => {
  it('registers a new doctor', () => {
    expect(given(doctorDecider).when(command, ctx)).toEqual([{ type: 'DoctorRegistered', data: command.data }]);
  });

  it('rejects a second registration with 409', () => {
    const error = given(doctorDecider, { type: 'DoctorRegistered', data: command.data }).error(command, ctx);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'already_exists' });
  });

  it('validates the email and requires a name', () => {
    expect(rejectedPaths(RegisterDoctorSchema, { doctorId: 'd1', email: 'not-an-email' })).toEqual(['name', 'email']);
  });
});
