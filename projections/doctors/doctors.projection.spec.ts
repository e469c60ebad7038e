import { describe, expect, it } from '@jest/globals';
import { EventLog, specHarness } from '../testing/projection-spec.js';
import { doctorsProjection } from './doctors.projection.js';

const harness = specHarness();

function history() {
  const log = new EventLog();
  return [
    log.event(
      'DoctorRegistered',
      { doctorId: 'd1', name: 'Dr Grey', specialization: 'neurology', email: 'grey@example.org' },
      { streamId: 'doctor-d1', occurredAt: '2026-01-01T10:00:00Z' },
    ),
    log.event(
      'DoctorRegistered',
      { doctorId: 'd2', name: 'Dr House' },
      { streamId: 'doctor-d2', occurredAt: '2026-01-02T11:30:00+01:00' },
    ),
    log.event('PatientRegistered', { patientId: 'p1', firstName: 'A', lastName: 'B' }, { streamId: 'patient-p1' }),
  ];
}

const expected = [
  {
    doctor_id: 'd1',
    name: 'Dr Grey',
    specialization: 'neurology',
    email: 'grey@example.org',
    registered_at: '2026-01-01T10:00:00+00:00',
  },
  { doctor_id: 'd2', name: 'Dr House', specialization: null, email: null, registered_at: '2026-01-02T10:30:00+00:00' },
];

describe('doctors projection', () => {
  it('has one row per registered doctor, dated at the registration', async () => {
    const t = await harness.fresh(doctorsProjection);
    await t.apply(history());
    expect(await t.rows('doctors', 'doctor_id')).toEqual(expected);
  });

  it('gives the same rows in batches of one as in one batch', async () => {
    const t = await harness.fresh(doctorsProjection);
    await t.apply(history(), 1);
    expect(await t.rows('doctors', 'doctor_id')).toEqual(expected);
  });
});
