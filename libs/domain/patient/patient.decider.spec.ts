import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith } from '../shared/test-context.js';
import { patientDecider } from './patient.decider.js';
import type { PatientEvent } from './patient.events.js';

const ctx = contextWith({});
const registered: PatientEvent = {
  type: 'PatientRegistered',
  data: { patientId: 'p1', firstName: 'Ada', lastName: 'Lovelace' },
};
const assigned: PatientEvent = {
  type: 'DoctorAssigned',
  data: { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary' },
};

describe('RegisterPatient', () => {
  const command = {
    type: 'RegisterPatient',
    data: { patientId: 'p1', firstName: 'Ada', lastName: 'Lovelace', jerseyNumber: 10 },
  } as const;

  it('registers a new patient with every field sent', () => {
    expect(given(patientDecider).when(command, ctx)).toEqual([{ type: 'PatientRegistered', data: command.data }]);
  });

  it('rejects a second registration with 409', () => {
    const error = given(patientDecider, registered).error(command, ctx);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'already_exists' });
  });

  it('rejects a date of birth in the future', () => {
    const error = given(patientDecider).error(
      { ...command, data: { ...command.data, dateOfBirth: '2025-06-02' } },
      ctx,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ errors: [{ path: 'dateOfBirth' }] });
  });
});

describe('UpdatePatientProfile', () => {
  const command = {
    type: 'UpdatePatientProfile',
    data: { patientId: 'p1', teamId: 't9', position: 'defender' },
  } as const;

  it('emits only the fields sent', () => {
    expect(given(patientDecider, registered).when(command, ctx)).toEqual([
      { type: 'PatientProfileUpdated', data: { patientId: 'p1', teamId: 't9', position: 'defender' } },
    ]);
  });

  it('rejects an unregistered patient with 404', () => {
    expect(given(patientDecider).error(command, ctx)).toBeInstanceOf(NotFoundError);
  });
});

describe('AssignDoctor', () => {
  const command = {
    type: 'AssignDoctor',
    data: { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary', notes: 'ACL' },
  } as const;

  it('assigns a registered doctor to a registered patient', () => {
    expect(given(patientDecider, registered).when(command, contextWith({ doctorRegistered: true }))).toEqual([
      { type: 'DoctorAssigned', data: command.data },
    ]);
  });

  it('rejects an unregistered patient with 404', () => {
    const error = given(patientDecider).error(command, contextWith({ doctorRegistered: true }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ aggregate: 'patient', id: 'p1' });
  });

  it('rejects an unregistered doctor with 404', () => {
    const error = given(patientDecider, registered).error(command, contextWith({ doctorRegistered: false }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ aggregate: 'doctor', id: 'd1' });
  });

  it('rejects a doctor already actively assigned with 409, whatever the type', () => {
    const again = { ...command, data: { ...command.data, assignmentType: 'consultant' } } as const;
    const error = given(patientDecider, registered, assigned).error(again, contextWith({ doctorRegistered: true }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'already_assigned' });
  });

  it('assigns again a doctor whose assignment ended', () => {
    const ended: PatientEvent = { type: 'DoctorAssignmentEnded', data: { patientId: 'p1', doctorId: 'd1' } };
    expect(
      given(patientDecider, registered, assigned, ended).when(command, contextWith({ doctorRegistered: true })),
    ).toHaveLength(1);
  });

  it('fails loudly when the handler did not read the doctor stream', () => {
    expect(() => given(patientDecider, registered).when(command, ctx)).toThrow('doctorRegistered');
  });
});

describe('EndDoctorAssignment', () => {
  const command = {
    type: 'EndDoctorAssignment',
    data: { patientId: 'p1', doctorId: 'd1', reason: 'season over' },
  } as const;

  it('ends an active assignment', () => {
    expect(given(patientDecider, registered, assigned).when(command, ctx)).toEqual([
      { type: 'DoctorAssignmentEnded', data: command.data },
    ]);
  });

  it('rejects a doctor with no active assignment with 409', () => {
    const error = given(patientDecider, registered).error(command, ctx);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'not_assigned' });
  });

  it('rejects ending the same assignment twice with 409', () => {
    const ended: PatientEvent = { type: 'DoctorAssignmentEnded', data: command.data };
    expect(given(patientDecider, registered, assigned, ended).error(command, ctx)).toBeInstanceOf(ConflictError);
  });

  it('rejects an unregistered patient with 404', () => {
    expect(given(patientDecider).error(command, ctx)).toBeInstanceOf(NotFoundError);
  });
});

describe('ErasePatient', () => {
  const command = { type: 'ErasePatient', data: { patientId: 'p1', reason: 'erasure request #4711' } } as const;
  const erased: PatientEvent = { type: 'PatientErased', data: command.data };

  it('erases a registered patient with the reason and nothing else', () => {
    expect(given(patientDecider, registered, assigned).when(command, ctx)).toEqual([
      { type: 'PatientErased', data: { patientId: 'p1', reason: 'erasure request #4711' } },
    ]);
  });

  it('rejects an unregistered patient with 404', () => {
    const error = given(patientDecider).error(command, ctx);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ aggregate: 'patient', id: 'p1' });
  });

  it('rejects a second erasure with 409 already_erased', () => {
    const error = given(patientDecider, registered, erased).error(command, ctx);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'already_erased' });
  });

  it('keeps the patient registered: a new registration is still 409, not a fresh start', () => {
    const again = { type: 'RegisterPatient', data: { patientId: 'p1', firstName: 'New', lastName: 'Person' } } as const;
    expect(given(patientDecider, registered, erased).error(again, ctx)).toMatchObject({ code: 'already_exists' });
  });
});
