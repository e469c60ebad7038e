import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { foldPatient, type PatientRow } from './patients.fold.js';

const log = new EventLog();
const row: PatientRow = {
  patient_id: 'p1',
  first_name: 'Ada',
  last_name: 'L',
  date_of_birth: null,
  age_group: 'U18',
  sport_type: null,
  team_id: null,
  position: null,
  jersey_number: 3,
  registered_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  erased_at: null,
};

describe('foldPatient', () => {
  it('keeps a field the update does not carry, even a set one', () => {
    const next = foldPatient(
      row,
      log.projected(
        'PatientProfileUpdated',
        { patientId: 'p1', sportType: 'judo' },
        { occurredAt: '2026-02-01T00:00:00Z' },
      ),
    );
    expect(next).toEqual({ ...row, sport_type: 'judo', updated_at: '2026-02-01T00:00:00Z' });
  });

  it('accepts a jersey number of 0 as a value, not as absence', () => {
    const next = foldPatient(
      row,
      log.projected(
        'PatientProfileUpdated',
        { patientId: 'p1', jerseyNumber: 0 },
        { occurredAt: '2026-02-01T00:00:00Z' },
      ),
    );
    expect(next?.jersey_number).toBe(0);
  });

  it('an erasure clears the names and birth date, keeps the rest and dates erased_at', () => {
    const dated = { ...row, date_of_birth: '2004-02-29' };
    const next = foldPatient(
      dated,
      log.projected('PatientErased', { patientId: 'p1', reason: 'request' }, { occurredAt: '2026-03-01T00:00:00Z' }),
    );
    expect(next).toEqual({
      ...row,
      first_name: null,
      last_name: null,
      date_of_birth: null,
      erased_at: '2026-03-01T00:00:00Z',
      updated_at: '2026-03-01T00:00:00Z',
    });
  });

  it('an erased update (personal fields null) leaves the erased values as they are', () => {
    const erased = { ...row, first_name: null, last_name: null, erased_at: '2026-03-01T00:00:00Z' };
    const next = foldPatient(
      erased,
      log.projected(
        'PatientProfileUpdated',
        { patientId: 'p1', firstName: null, lastName: null, dateOfBirth: null, teamId: 't9' },
        { occurredAt: '2026-04-01T00:00:00Z' },
      ),
    );
    expect(next).toEqual({ ...erased, team_id: 't9', updated_at: '2026-04-01T00:00:00Z' });
  });
});
