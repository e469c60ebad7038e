import { rejectedPaths } from '../shared/test-schema.js';
import { ChangeConsultationStatusSchema, RecordConsultationSchema } from './consultation.commands.js';

const valid = {
  consultationId: 'c1',
  patientId: 'p1',
  doctorId: 'd1',
  consultationType: 'telemedicine',
  consultationDate: '2025-05-20',
};

describe('RecordConsultation schema', () => {
  it('accepts a date or a timestamp with offset as consultationDate', () => {
    expect(rejectedPaths(RecordConsultationSchema, valid)).toEqual([]);
    expect(
      rejectedPaths(RecordConsultationSchema, { ...valid, consultationDate: '2025-05-20T09:30:00+02:00' }),
    ).toEqual([]);
    expect(rejectedPaths(RecordConsultationSchema, { ...valid, consultationDate: '2025-05-20T09:30:00' })).toEqual([
      'consultationDate',
    ]);
    expect(rejectedPaths(RecordConsultationSchema, { ...valid, consultationDate: '2025-02-30' })).toEqual([
      'consultationDate',
    ]);
  });

  it('accepts a fee with up to 2 decimals and rejects more or a negative one', () => {
    expect(rejectedPaths(RecordConsultationSchema, { ...valid, fee: 120.29 })).toEqual([]);
    expect(rejectedPaths(RecordConsultationSchema, { ...valid, fee: 0 })).toEqual([]);
    expect(rejectedPaths(RecordConsultationSchema, { ...valid, fee: 10.005 })).toEqual(['fee']);
    expect(rejectedPaths(RecordConsultationSchema, { ...valid, fee: -1 })).toEqual(['fee']);
  });

  it('rejects statuses other than scheduled and completed, unknown types and fractional minutes', () => {
    expect(
      rejectedPaths(RecordConsultationSchema, {
        ...valid,
        status: 'cancelled',
        consultationType: 'phone',
        durationMinutes: 1.5,
      }),
    ).toEqual(['consultationType', 'status', 'durationMinutes']);
  });
});

describe('ChangeConsultationStatus schema', () => {
  it('accepts completed, cancelled and no_show only', () => {
    for (const status of ['completed', 'cancelled', 'no_show'])
      expect(rejectedPaths(ChangeConsultationStatusSchema, { consultationId: 'c1', status })).toEqual([]);
    expect(rejectedPaths(ChangeConsultationStatusSchema, { consultationId: 'c1', status: 'scheduled' })).toEqual([
      'status',
    ]);
  });
});
