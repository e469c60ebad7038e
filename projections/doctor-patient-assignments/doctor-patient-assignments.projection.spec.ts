import { describe, expect, it } from '@jest/globals';
import { EventLog, rowsAfterErasure, specHarness } from '../testing/projection-spec.js';
import type { CaretrackEventType, EventData } from '../../libs/domain/events.js';
import type { StoredEvent } from '../../libs/event-store/index.js';
import { doctorPatientAssignmentsProjection } from './doctor-patient-assignments.projection.js';

const harness = specHarness();

/** Builds the events of one scenario with readable helpers. */
function scenario() {
  const log = new EventLog();
  return {
    assign: (
      doctorId: string,
      patientId: string,
      assignmentType: EventData<'DoctorAssigned'>['assignmentType'],
      at: string,
      notes?: string,
    ) =>
      log.event(
        'DoctorAssigned',
        { patientId, doctorId, assignmentType, ...(notes === undefined ? {} : { notes }) },
        { streamId: `patient-${patientId}`, occurredAt: at },
      ),
    end: (doctorId: string, patientId: string, at: string) =>
      log.event(
        'DoctorAssignmentEnded',
        { patientId, doctorId, reason: 'moved' },
        { streamId: `patient-${patientId}`, occurredAt: at },
      ),
    consult: (
      id: string,
      doctorId: string,
      patientId: string,
      consultationDate: string,
      status: EventData<'ConsultationRecorded'>['status'] = 'completed',
    ) =>
      log.event(
        'ConsultationRecorded',
        { consultationId: id, patientId, doctorId, consultationType: 'in_person', consultationDate, status },
        {
          streamId: `consultation-${id}`,
          occurredAt: new Date(
            consultationDate.length === 10 ? `${consultationDate}T00:00:00Z` : consultationDate,
          ).toISOString(),
        },
      ),
    other: <T extends CaretrackEventType>(type: T, data: EventData<T>) => log.event(type, data),
  };
}

const row = (over: Record<string, unknown>) => ({
  doctor_id: 'd1',
  patient_id: 'p1',
  assignment_type: 'primary',
  is_active: true,
  assigned_at: '2026-01-01T10:00:00+00:00',
  ended_at: null,
  notes: null,
  source: 'assignment',
  ...over,
});

async function rowsAfter(events: StoredEvent[], batchSize?: number) {
  const t = await harness.fresh(doctorPatientAssignmentsProjection);
  await t.apply(events, batchSize);
  const rows = await t.query<{ row: Record<string, unknown> }>(
    'SELECT to_jsonb(a.*) AS row FROM doctor_patient_assignments a ORDER BY doctor_id, patient_id',
  );
  return rows.map((r) => r.row);
}

describe('doctor_patient_assignments projection', () => {
  it("an erasure nulls the personal columns of the patient's rows; a replay after it gives the same rows", async () => {
    const s = scenario();
    const events = [
      s.assign('d1', 'p1', 'primary', '2026-01-01T00:00:00Z', 'sensitive note'),
      s.assign('d2', 'p1', 'specialist', '2026-01-02T00:00:00Z', 'another note'),
      s.end('d2', 'p1', '2026-01-03T00:00:00Z'),
      s.consult('c1', 'd3', 'p2', '2026-01-04'),
    ];
    const { live, replay } = await rowsAfterErasure(
      harness,
      doctorPatientAssignmentsProjection,
      events,
      'doctor_patient_assignments',
      'doctor_id',
    );
    expect(live.length).toBeGreaterThan(0);
    for (const row of live) expect({ notes: row['notes'] }).toEqual({ notes: null });
    expect(replay).toEqual(live);
  });

  it('makes an assignment an active row with its type, date and notes', async () => {
    const s = scenario();
    expect(
      await rowsAfter([
        s.assign('d1', 'p1', 'primary', '2026-01-01T10:00:00Z', 'team doctor'),
        s.assign('d2', 'p1', 'specialist', '2026-01-02T10:00:00Z'),
      ]),
    ).toEqual([
      row({ notes: 'team doctor' }),
      row({ doctor_id: 'd2', assignment_type: 'specialist', assigned_at: '2026-01-02T10:00:00+00:00' }),
    ]);
  });

  it('deactivates an ended assignment and dates the end, keeping type, start and notes', async () => {
    const s = scenario();
    expect(
      await rowsAfter([
        s.assign('d1', 'p1', 'primary', '2026-01-01T10:00:00Z', 'n'),
        s.end('d1', 'p1', '2026-02-01T09:00:00Z'),
      ]),
    ).toEqual([row({ notes: 'n', is_active: false, ended_at: '2026-02-01T09:00:00+00:00' })]);
  });

  it('reactivates an ended row on re-assignment with the new type, date and notes', async () => {
    const s = scenario();
    const events = [
      s.assign('d1', 'p1', 'primary', '2026-01-01T10:00:00Z', 'old'),
      s.end('d1', 'p1', '2026-02-01T09:00:00Z'),
      s.assign('d1', 'p1', 'consultant', '2026-03-01T08:00:00Z'),
    ];
    expect(await rowsAfter(events)).toEqual([
      row({ assignment_type: 'consultant', assigned_at: '2026-03-01T08:00:00+00:00', notes: null }),
    ]);
  });

  it('creates an active consultant row dated at the consultation when the doctor has no row', async () => {
    const s = scenario();
    expect(
      await rowsAfter([
        s.consult('c1', 'd1', 'p1', '2026-01-05T14:30:00+02:00'),
        s.consult('c2', 'd1', 'p1', '2026-01-09'),
      ]),
    ).toEqual([
      row({ assignment_type: 'consultant', assigned_at: '2026-01-05T12:30:00+00:00', source: 'consultation' }),
    ]);
  });

  it('creates the consultant row for a scheduled consultation too', async () => {
    const s = scenario();
    expect(await rowsAfter([s.consult('c1', 'd3', 'p2', '2026-04-01', 'scheduled')])).toEqual([
      row({
        doctor_id: 'd3',
        patient_id: 'p2',
        assignment_type: 'consultant',
        assigned_at: '2026-04-01T00:00:00+00:00',
        source: 'consultation',
      }),
    ]);
  });

  it('leaves an existing row alone on a consultation, active or ended', async () => {
    const s = scenario();
    const events = [
      s.assign('d1', 'p1', 'primary', '2026-01-01T10:00:00Z'),
      s.assign('d2', 'p1', 'specialist', '2026-01-01T10:00:00Z'),
      s.end('d2', 'p1', '2026-01-02T10:00:00Z'),
      s.consult('c1', 'd1', 'p1', '2026-01-03'),
      s.consult('c2', 'd2', 'p1', '2026-01-04'),
    ];
    expect(await rowsAfter(events)).toEqual([
      row({}),
      row({ doctor_id: 'd2', assignment_type: 'specialist', is_active: false, ended_at: '2026-01-02T10:00:00+00:00' }),
    ]);
  });

  it('turns a consultation-made row into an assignment when the doctor is assigned', async () => {
    const s = scenario();
    expect(
      await rowsAfter([
        s.consult('c1', 'd1', 'p1', '2026-01-03'),
        s.assign('d1', 'p1', 'primary', '2026-01-04T10:00:00Z', 'now primary'),
      ]),
    ).toEqual([row({ assigned_at: '2026-01-04T10:00:00+00:00', notes: 'now primary' })]);
  });

  it('ignores an end without an active row, and events of other types', async () => {
    const s = scenario();
    const events = [
      s.end('d9', 'p1', '2026-01-01T00:00:00Z'),
      s.other('PatientRegistered', { patientId: 'p1', firstName: 'A', lastName: 'B' }),
    ];
    expect(await rowsAfter(events)).toEqual([]);
  });

  it('gives the same rows in batches of one, of two, and in one batch', async () => {
    const s = scenario();
    const events = [
      s.consult('c1', 'd1', 'p1', '2026-01-01'),
      s.assign('d2', 'p1', 'primary', '2026-01-02T00:00:00Z'),
      s.assign('d1', 'p1', 'specialist', '2026-01-03T00:00:00Z'),
      s.end('d2', 'p1', '2026-01-04T00:00:00Z'),
      s.consult('c2', 'd2', 'p1', '2026-01-05'),
      s.consult('c3', 'd3', 'p2', '2026-01-06', 'scheduled'),
      s.end('d1', 'p1', '2026-01-07T00:00:00Z'),
      s.assign('d2', 'p1', 'consultant', '2026-01-08T00:00:00Z', 'back'),
    ];
    const expected = [
      row({
        assignment_type: 'specialist',
        is_active: false,
        assigned_at: '2026-01-03T00:00:00+00:00',
        ended_at: '2026-01-07T00:00:00+00:00',
      }),
      row({ doctor_id: 'd2', assignment_type: 'consultant', assigned_at: '2026-01-08T00:00:00+00:00', notes: 'back' }),
      row({
        doctor_id: 'd3',
        patient_id: 'p2',
        assignment_type: 'consultant',
        assigned_at: '2026-01-06T00:00:00+00:00',
        source: 'consultation',
      }),
    ];
    for (const size of [1, 2, events.length]) expect(await rowsAfter(events, size)).toEqual(expected);
  });
});
