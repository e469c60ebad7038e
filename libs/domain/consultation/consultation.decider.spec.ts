import { ConflictError, NotFoundError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith } from '../shared/test-context.js';
import { consultationDecider } from './consultation.decider.js';
import { consultationOccurredAt, type ConsultationEvent } from './consultation.events.js';

const known = contextWith({ patientRegistered: true, doctorRegistered: true });
const fields = {
  consultationId: 'c1',
  patientId: 'p1',
  doctorId: 'd1',
  consultationType: 'in_person',
  consultationDate: '2025-05-20',
  fee: 80.5,
} as const;
const record = { type: 'RecordConsultation', data: fields } as const;
const scheduled: ConsultationEvent = { type: 'ConsultationRecorded', data: { ...fields, status: 'scheduled' } };

describe('RecordConsultation', () => {
  it('records a consultation with status completed by default', () => {
    expect(given(consultationDecider).when(record, known)).toEqual([
      { type: 'ConsultationRecorded', data: { ...fields, status: 'completed' } },
    ]);
  });

  it('keeps a scheduled status', () => {
    const event = given(consultationDecider).whenOne({ ...record, data: { ...fields, status: 'scheduled' } }, known);
    expect(event.data).toMatchObject({ status: 'scheduled' });
  });

  it('rejects an unregistered patient with 404', () => {
    const error = given(consultationDecider).error(
      record,
      contextWith({ patientRegistered: false, doctorRegistered: true }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ aggregate: 'patient', id: 'p1' });
  });

  it('rejects an unregistered doctor with 404', () => {
    const error = given(consultationDecider).error(
      record,
      contextWith({ patientRegistered: true, doctorRegistered: false }),
    );
    expect(error).toMatchObject({ aggregate: 'doctor', id: 'd1' });
  });

  it('rejects an existing consultation id with 409', () => {
    const error = given(consultationDecider, scheduled).error(record, known);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'already_exists' });
  });

  it('happened on its consultation date, at midnight UTC for a bare date', () => {
    const event = given(consultationDecider).whenOne(record, known);
    expect(consultationOccurredAt(event, known.now).toISOString()).toBe('2025-05-20T00:00:00.000Z');
  });
});

describe('ChangeConsultationStatus', () => {
  const change = {
    type: 'ChangeConsultationStatus',
    data: { consultationId: 'c1', status: 'no_show', reason: 'ill' },
  } as const;

  it('changes a scheduled consultation and names its patient and doctor', () => {
    expect(given(consultationDecider, scheduled).when(change, known)).toEqual([
      {
        type: 'ConsultationStatusChanged',
        data: {
          consultationId: 'c1',
          status: 'no_show',
          reason: 'ill',
          previousStatus: 'scheduled',
          patientId: 'p1',
          doctorId: 'd1',
        },
      },
    ]);
  });

  it('rejects a change of a completed consultation with 409', () => {
    const completed: ConsultationEvent = { type: 'ConsultationRecorded', data: { ...fields, status: 'completed' } };
    const error = given(consultationDecider, completed).error(change, known);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'invalid_status_transition' });
  });

  it('rejects a second change with 409', () => {
    const changed: ConsultationEvent = {
      type: 'ConsultationStatusChanged',
      data: { consultationId: 'c1', status: 'cancelled', previousStatus: 'scheduled', patientId: 'p1', doctorId: 'd1' },
    };
    expect(given(consultationDecider, scheduled, changed).error(change, known)).toBeInstanceOf(ConflictError);
  });

  it('rejects an unknown consultation with 404', () => {
    expect(given(consultationDecider).error(change, known)).toBeInstanceOf(NotFoundError);
  });

  it('happens at server time', () => {
    const event = given(consultationDecider, scheduled).whenOne(change, known);
    expect(consultationOccurredAt(event, known.now)).toBe(known.now);
  });
});
