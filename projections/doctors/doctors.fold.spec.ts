import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { foldDoctor } from './doctors.fold.js';

const log = new EventLog();

describe('foldDoctor', () => {
  it('builds the row from the registration, absent fields null', () => {
    const event = log.projected(
      'DoctorRegistered',
      { doctorId: 'd1', name: 'Dr Grey', email: 'g@example.org' },
      { occurredAt: '2026-01-01T10:00:00.000Z' },
    );
    expect(foldDoctor(undefined, event)).toEqual({
      doctor_id: 'd1',
      name: 'Dr Grey',
      specialization: null,
      email: 'g@example.org',
      registered_at: '2026-01-01T10:00:00.000Z',
    });
  });
});
