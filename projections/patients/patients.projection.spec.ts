import { describe, expect, it } from '@jest/globals';
import { EventLog, specHarness } from '../testing/projection-spec.js';
import { patientsProjection } from './patients.projection.js';

const harness = specHarness();

function history() {
  const log = new EventLog();
  return [
    log.event(
      'PatientRegistered',
      {
        patientId: 'p1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        dateOfBirth: '2008-05-04',
        ageGroup: 'U18',
        sportType: 'rugby',
        teamId: 't1',
        position: 'wing',
        jerseyNumber: 11,
      },
      { streamId: 'patient-p1', occurredAt: '2026-01-01T10:00:00Z' },
    ),
    log.event(
      'PatientRegistered',
      { patientId: 'p2', firstName: 'Bo', lastName: 'Jackson' },
      { streamId: 'patient-p2', occurredAt: '2026-01-02T09:00:00Z' },
    ),
    log.event(
      'PatientProfileUpdated',
      { patientId: 'p1', teamId: 't2', jerseyNumber: 7 },
      { streamId: 'patient-p1', occurredAt: '2026-01-03T08:30:00Z' },
    ),
    log.event(
      'PatientProfileUpdated',
      { patientId: 'p2', lastName: 'Jackson-Smith', sportType: 'football' },
      { streamId: 'patient-p2', occurredAt: '2026-01-04T12:00:00Z' },
    ),
    log.event(
      'PatientProfileUpdated',
      { patientId: 'p1', position: 'fullback' },
      { streamId: 'patient-p1', occurredAt: '2026-01-05T16:45:00Z' },
    ),
  ];
}

const expected = [
  {
    patient_id: 'p1',
    first_name: 'Ada',
    last_name: 'Lovelace',
    date_of_birth: '2008-05-04',
    age_group: 'U18',
    sport_type: 'rugby',
    team_id: 't2',
    position: 'fullback',
    jersey_number: 7,
    registered_at: '2026-01-01T10:00:00+00:00',
    updated_at: '2026-01-05T16:45:00+00:00',
    erased_at: null,
  },
  {
    patient_id: 'p2',
    first_name: 'Bo',
    last_name: 'Jackson-Smith',
    date_of_birth: null,
    age_group: null,
    sport_type: 'football',
    team_id: null,
    position: null,
    jersey_number: null,
    registered_at: '2026-01-02T09:00:00+00:00',
    updated_at: '2026-01-04T12:00:00+00:00',
    erased_at: null,
  },
];

describe('patients projection', () => {
  it('an erasure clears the names and birth date and dates erased_at; a replay after it gives the same rows', async () => {
    const events = history();
    const erasure = new EventLog().event(
      'PatientErased',
      { patientId: 'p1', reason: 'request' },
      { streamId: 'patient-p1', occurredAt: '2026-02-01T00:00:00Z' },
    );
    const live = await harness.fresh(patientsProjection);
    await live.apply(events); // before the erasure the fields are served
    await live.apply([erasure]);
    const replay = await harness.fresh(patientsProjection);
    await replay.apply([...events, erasure]); // one batch: every event of p1 reads as erased
    const rows = await live.rows('patients', 'patient_id');
    expect(rows).toEqual([
      {
        ...expected[0],
        first_name: null,
        last_name: null,
        date_of_birth: null,
        erased_at: '2026-02-01T00:00:00+00:00',
        updated_at: '2026-02-01T00:00:00+00:00',
      },
      expected[1],
    ]);
    expect(await replay.rows('patients', 'patient_id')).toEqual(rows);
  });

  it('registers a patient with every profile field and nulls for the absent ones', async () => {
    const t = await harness.fresh(patientsProjection);
    await t.apply(history().slice(0, 2));
    expect(await t.rows('patients', 'patient_id')).toEqual([
      { ...expected[0], team_id: 't1', position: 'wing', jersey_number: 11, updated_at: '2026-01-01T10:00:00+00:00' },
      { ...expected[1], last_name: 'Jackson', sport_type: null, updated_at: '2026-01-02T09:00:00+00:00' },
    ]);
  });

  it('changes only the fields a profile update carries, and moves updated_at', async () => {
    const t = await harness.fresh(patientsProjection);
    await t.apply(history());
    expect(await t.rows('patients', 'patient_id')).toEqual(expected);
  });

  it('ignores a profile update of a patient that was never registered', async () => {
    const log = new EventLog();
    const t = await harness.fresh(patientsProjection);
    await t.apply([
      log.event(
        'PatientProfileUpdated',
        { patientId: 'ghost', firstName: 'X' },
        { occurredAt: '2026-01-01T00:00:00Z' },
      ),
    ]);
    expect(await t.rows('patients', 'patient_id')).toEqual([]);
  });

  it('gives the same rows in batches of one as in one batch, and across batches of two', async () => {
    const events = history();
    for (const size of [1, 2, events.length]) {
      const t = await harness.fresh(patientsProjection);
      await t.apply(events, size);
      expect(await t.rows('patients', 'patient_id')).toEqual(expected);
    }
  });
});
