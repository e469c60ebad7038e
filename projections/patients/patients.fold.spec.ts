import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../../libs/projection-engine/testing/projection-harness.js';
import { foldPatient, type PatientRow } from './patients.fold.js';

const log = new EventLog();
const row: PatientRow = {
  patient_id: 'p1', first_name: 'Ada', last_name: 'L', date_of_birth: null, age_group: 'U18', sport_type: null,
  team_id: null, position: null, jersey_number: 3, registered_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
};

describe('foldPatient', () => {
  it('keeps a field the update does not carry, even a set one', () => {
    const next = foldPatient(row, log.projected('PatientProfileUpdated', { patientId: 'p1', sportType: 'judo' }, { occurredAt: '2026-02-01T00:00:00Z' }));
    expect(next).toEqual({ ...row, sport_type: 'judo', updated_at: '2026-02-01T00:00:00Z' });
  });

  it('accepts a jersey number of 0 as a value, not as absence', () => {
    const next = foldPatient(row, log.projected('PatientProfileUpdated', { patientId: 'p1', jerseyNumber: 0 }, { occurredAt: '2026-02-01T00:00:00Z' }));
    expect(next?.jersey_number).toBe(0);
  });
});
