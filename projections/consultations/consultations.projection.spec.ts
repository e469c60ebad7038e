import { describe, expect, it } from '@jest/globals';
import { EventLog, rowsAfterErasure, specHarness } from '../testing/projection-spec.js';
import { consultationsProjection } from './consultations.projection.js';

const harness = specHarness();

function history() {
  const log = new EventLog();
  return [
    log.event(
      'ConsultationRecorded',
      {
        consultationId: 'c1',
        patientId: 'p1',
        doctorId: 'd1',
        consultationType: 'in_person',
        consultationDate: '2026-01-10T09:00:00-05:00',
        status: 'completed',
        chiefComplaint: 'headache',
        diagnosis: 'mild concussion',
        prescription: 'rest',
        durationMinutes: 30,
        fee: 120.5,
        nextVisitDate: '2026-01-17',
        notes: 'after match',
      },
      { streamId: 'consultation-c1', occurredAt: '2026-01-10T14:00:00.000Z' },
    ),
    log.event(
      'ConsultationRecorded',
      {
        consultationId: 'c2',
        patientId: 'p1',
        doctorId: 'd2',
        consultationType: 'telemedicine',
        consultationDate: '2026-01-10',
        status: 'scheduled',
      },
      { streamId: 'consultation-c2', occurredAt: '2026-01-10T00:00:00.000Z' },
    ),
    log.event(
      'ConsultationRecorded',
      {
        consultationId: 'c3',
        patientId: 'p1',
        doctorId: 'd1',
        consultationType: 'follow_up',
        consultationDate: '2026-01-11',
        status: 'scheduled',
        fee: 0,
      },
      { streamId: 'consultation-c3', occurredAt: '2026-01-11T00:00:00.000Z' },
    ),
    log.event(
      'ConsultationStatusChanged',
      {
        consultationId: 'c2',
        status: 'no_show',
        reason: 'did not log in',
        previousStatus: 'scheduled',
        patientId: 'p1',
        doctorId: 'd2',
      },
      { streamId: 'consultation-c2', occurredAt: '2026-01-10T08:15:00Z' },
    ),
    log.event(
      'ConsultationStatusChanged',
      { consultationId: 'c3', status: 'completed', previousStatus: 'scheduled', patientId: 'p1', doctorId: 'd1' },
      { streamId: 'consultation-c3', occurredAt: '2026-01-11T10:00:00Z' },
    ),
  ];
}

const bare = {
  chief_complaint: null,
  diagnosis: null,
  prescription: null,
  duration_minutes: null,
  fee: null,
  next_visit_date: null,
  notes: null,
};
const recorded = [
  {
    id: 'c1',
    patient_id: 'p1',
    doctor_id: 'd1',
    consultation_type: 'in_person',
    consultation_date: '2026-01-10T14:00:00+00:00',
    status: 'completed',
    chief_complaint: 'headache',
    diagnosis: 'mild concussion',
    prescription: 'rest',
    duration_minutes: 30,
    fee: 120.5,
    next_visit_date: '2026-01-17',
    notes: 'after match',
    recorded_at: '2026-01-10T14:00:00+00:00',
    updated_at: '2026-01-10T14:00:00+00:00',
  },
  {
    id: 'c2',
    patient_id: 'p1',
    doctor_id: 'd2',
    consultation_type: 'telemedicine',
    consultation_date: '2026-01-10T00:00:00+00:00',
    status: 'scheduled',
    ...bare,
    recorded_at: '2026-01-10T00:00:00+00:00',
    updated_at: '2026-01-10T00:00:00+00:00',
  },
  {
    id: 'c3',
    patient_id: 'p1',
    doctor_id: 'd1',
    consultation_type: 'follow_up',
    consultation_date: '2026-01-11T00:00:00+00:00',
    status: 'scheduled',
    ...bare,
    fee: 0,
    recorded_at: '2026-01-11T00:00:00+00:00',
    updated_at: '2026-01-11T00:00:00+00:00',
  },
];
const final = [
  recorded[0],
  { ...recorded[1], status: 'no_show', updated_at: '2026-01-10T08:15:00+00:00' },
  { ...recorded[2], status: 'completed', updated_at: '2026-01-11T10:00:00+00:00' },
];

describe('consultations projection', () => {
  it("an erasure nulls the personal columns of the patient's rows; a replay after it gives the same rows", async () => {
    const { live, replay } = await rowsAfterErasure(harness, consultationsProjection, history(), 'consultations', 'id');
    expect(live.length).toBeGreaterThan(0);
    for (const row of live)
      expect({
        chief_complaint: row['chief_complaint'],
        diagnosis: row['diagnosis'],
        prescription: row['prescription'],
        notes: row['notes'],
      }).toEqual({ chief_complaint: null, diagnosis: null, prescription: null, notes: null });
    expect(replay).toEqual(live);
  });

  it('records every field; a bare consultation date is midnight UTC, a timed one keeps its instant', async () => {
    const t = await harness.fresh(consultationsProjection);
    await t.apply(history().slice(0, 3));
    expect(await t.rows('consultations', 'id')).toEqual(recorded);
  });

  it('changes status and updated_at on a status change, nothing else', async () => {
    const t = await harness.fresh(consultationsProjection);
    await t.apply(history());
    expect(await t.rows('consultations', 'id')).toEqual(final);
  });

  it('ignores a status change of a consultation never recorded', async () => {
    const log = new EventLog();
    const t = await harness.fresh(consultationsProjection);
    await t.apply([
      log.event('ConsultationStatusChanged', {
        consultationId: 'cx',
        status: 'cancelled',
        previousStatus: 'scheduled',
        patientId: 'p1',
        doctorId: 'd1',
      }),
    ]);
    expect(await t.rows('consultations', 'id')).toEqual([]);
  });

  it("keeps the seed's ORDER BY consultation_date DESC chronological across dates and timestamps", async () => {
    const t = await harness.fresh(consultationsProjection);
    await t.apply(history());
    const rows = await t.query<{ id: string }>(
      'SELECT c.id FROM consultations c WHERE c.patient_id = $1 ORDER BY c.consultation_date DESC',
      ['p1'],
    );
    expect(rows.map((r) => r.id)).toEqual(['c3', 'c1', 'c2']);
  });

  it('gives the same rows in batches of one, of two, and in one batch', async () => {
    const events = history();
    for (const size of [1, 2, events.length]) {
      const t = await harness.fresh(consultationsProjection);
      await t.apply(events, size);
      expect(await t.rows('consultations', 'id')).toEqual(final);
    }
  });
});
