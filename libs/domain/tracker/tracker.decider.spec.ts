import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith, NOW } from '../shared/test-context.js';
import { trackerDecider } from './tracker.decider.js';
import { trackerOccurredAt, type TrackerEvent } from './tracker.events.js';

const isKnownSymptom = (symptomId: string) => ['headache', 'neck_pain'].includes(symptomId);
const ctx = contextWith({ patientRegistered: true, isKnownSymptom });
const fields = { patientId: 'p1', symptomId: 'headache', severity: 4, loggedAt: '2025-06-01T11:00:00Z' } as const;
const log = { type: 'LogSymptom', data: fields } as const;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('LogSymptom', () => {
  it('logs a symptom with a generated logId and reporterType self', () => {
    expect(given(trackerDecider).when(log, ctx)).toEqual([
      { type: 'SymptomLogged', data: { ...fields, logId: ctx.generatedId, reporterType: 'self' } },
    ]);
  });

  it('keeps the logId, reporterType and incidentContext sent', () => {
    const data = { ...fields, logId: 'l-7', reporterType: 'coach', incidentContext: 'game' } as const;
    expect(given(trackerDecider).when({ type: 'LogSymptom', data }, ctx)).toEqual([{ type: 'SymptomLogged', data }]);
  });

  it('rejects an unregistered patient with 404', () => {
    const error = given(trackerDecider).error(log, contextWith({ patientRegistered: false, isKnownSymptom }));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('rejects a symptom not in the triage map with 400 on symptomId', () => {
    const error = given(trackerDecider).error({ type: 'LogSymptom', data: { ...fields, symptomId: 'hiccups' } }, ctx);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ errors: [{ path: 'symptomId' }] });
  });

  it('accepts loggedAt up to 5 minutes ahead and rejects later with 400 on loggedAt', () => {
    expect(
      given(trackerDecider).when({ type: 'LogSymptom', data: { ...fields, loggedAt: at(5 * 60_000) } }, ctx),
    ).toHaveLength(1);
    const error = given(trackerDecider).error(
      { type: 'LogSymptom', data: { ...fields, loggedAt: at(5 * 60_000 + 1000) } },
      ctx,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ errors: [{ path: 'loggedAt' }] });
  });

  it('lists both bad fields at once', () => {
    const error = given(trackerDecider).error(
      { type: 'LogSymptom', data: { ...fields, symptomId: 'hiccups', loggedAt: at(3_600_000) } },
      ctx,
    );
    expect(error).toMatchObject({ errors: [{ path: 'symptomId' }, { path: 'loggedAt' }] });
  });

  it('rejects a logId already in the log with 409', () => {
    const logged: TrackerEvent = { type: 'SymptomLogged', data: { ...fields, logId: 'l-7', reporterType: 'self' } };
    const error = given(trackerDecider, logged).error({ type: 'LogSymptom', data: { ...fields, logId: 'l-7' } }, ctx);
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('happened at loggedAt', () => {
    const event = given(trackerDecider).whenOne(log, ctx);
    expect(trackerOccurredAt(event, NOW).toISOString()).toBe('2025-06-01T11:00:00.000Z');
  });
});
