import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { foldAssignment, type AssignmentRow } from './doctor-patient-assignments.fold.js';

const log = new EventLog();
const active: AssignmentRow = {
  doctor_id: 'd1',
  patient_id: 'p1',
  assignment_type: 'primary',
  is_active: true,
  assigned_at: '2026-01-01T00:00:00Z',
  ended_at: null,
  notes: 'x',
  source: 'assignment',
};
const consultation = log.projected(
  'ConsultationRecorded',
  {
    consultationId: 'c1',
    patientId: 'p1',
    doctorId: 'd1',
    consultationType: 'telemedicine',
    consultationDate: '2026-02-01',
    status: 'completed',
  },
  { occurredAt: '2026-02-01T00:00:00.000Z' },
);

describe('foldAssignment', () => {
  it('returns the very same row when a consultation meets an existing row (nothing to write)', () => {
    expect(foldAssignment(active, consultation)).toBe(active);
    const ended = { ...active, is_active: false, ended_at: '2026-01-15T00:00:00Z' };
    expect(foldAssignment(ended, consultation)).toBe(ended);
  });

  it('returns the very same row when an end meets an ended row', () => {
    const ended = { ...active, is_active: false, ended_at: '2026-01-15T00:00:00Z' };
    expect(
      foldAssignment(
        ended,
        log.projected(
          'DoctorAssignmentEnded',
          { patientId: 'p1', doctorId: 'd1' },
          { occurredAt: '2026-03-01T00:00:00Z' },
        ),
      ),
    ).toBe(ended);
  });

  it('creates the consultant row from a consultation with no row', () => {
    expect(foldAssignment(undefined, consultation)).toEqual({
      doctor_id: 'd1',
      patient_id: 'p1',
      assignment_type: 'consultant',
      is_active: true,
      assigned_at: '2026-02-01T00:00:00.000Z',
      ended_at: null,
      notes: null,
      source: 'consultation',
    });
  });
});
