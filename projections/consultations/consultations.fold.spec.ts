import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { foldConsultation } from './consultations.fold.js';

const log = new EventLog();

describe('foldConsultation', () => {
  it('turns a timestamp with offset into its UTC instant and a bare date into midnight UTC', () => {
    const at = (consultationDate: string) =>
      foldConsultation(
        undefined,
        log.projected('ConsultationRecorded', {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'emergency',
          consultationDate,
          status: 'completed',
        }),
      )?.consultation_date;
    expect(at('2026-03-01T23:30:00+02:00')).toBe('2026-03-01T21:30:00.000Z');
    expect(at('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
  });

  it('returns no row for a status change without a recording', () => {
    expect(
      foldConsultation(
        undefined,
        log.projected('ConsultationStatusChanged', {
          consultationId: 'c1',
          status: 'cancelled',
          previousStatus: 'scheduled',
          patientId: 'p1',
          doctorId: 'd1',
        }),
      ),
    ).toBeUndefined();
  });
});
