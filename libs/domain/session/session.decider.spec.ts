import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { given } from '../shared/given.js';
import { contextWith } from '../shared/test-context.js';
import { sessionDecider } from './session.decider.js';
import { sessionOccurredAt, type SessionEvent } from './session.events.js';

const ctx = contextWith({ patientRegistered: true });
const startFields = {
  sessionId: 'se1',
  playerId: 'p1',
  sessionType: 'training',
  startTime: '2025-06-01T09:00:00+02:00',
} as const;
const started: SessionEvent = { type: 'SessionStarted', data: startFields };
const kpis = { max_speed_kmh: 31.2, passes: 40, pass_accuracy: 87.5, speed_zones: { sprint: 42 } };
const complete = {
  type: 'CompleteSession',
  data: { sessionId: 'se1', endTime: '2025-06-01T08:30:15.900Z', kpis },
} as const;
const fail = { type: 'FailSession', data: { sessionId: 'se1', reason: 'video corrupt' } } as const;
const completed: SessionEvent = {
  type: 'SessionCompleted',
  data: { ...complete.data, playerId: 'p1', startTime: startFields.startTime, durationSeconds: 5415 },
};
const failed: SessionEvent = { type: 'SessionFailed', data: { ...fail.data, playerId: 'p1' } };

describe('StartSession', () => {
  const start = { type: 'StartSession', data: { ...startFields, metadata: { camera: 'north' } } } as const;

  it('starts a session for a registered player', () => {
    expect(given(sessionDecider).when(start, ctx)).toEqual([{ type: 'SessionStarted', data: start.data }]);
  });

  it('rejects an unregistered player with 404', () => {
    const error = given(sessionDecider).error(start, contextWith({ patientRegistered: false }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ id: 'p1' });
  });

  it('rejects an existing session id with 409', () => {
    expect(given(sessionDecider, started).error(start, ctx)).toBeInstanceOf(ConflictError);
  });

  it('happened at startTime', () => {
    expect(sessionOccurredAt(started, ctx.now).toISOString()).toBe('2025-06-01T07:00:00.000Z');
  });
});

describe('CompleteSession', () => {
  it('completes a started session with its KPIs and whole-second duration', () => {
    expect(given(sessionDecider, started).when(complete, ctx)).toEqual([completed]);
  });

  it('accepts an end equal to the start, lasting 0 seconds', () => {
    const event = given(sessionDecider, started).whenOne(
      { ...complete, data: { ...complete.data, endTime: '2025-06-01T07:00:00Z' } },
      ctx,
    );
    expect(event.data).toMatchObject({ durationSeconds: 0 });
  });

  it('rejects an end before the start with 400 on endTime', () => {
    const early = { ...complete, data: { ...complete.data, endTime: '2025-06-01T06:59:59Z' } };
    const error = given(sessionDecider, started).error(early, ctx);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ errors: [{ path: 'endTime' }] });
  });

  it('rejects an unknown session with 404', () => {
    expect(given(sessionDecider).error(complete, ctx)).toBeInstanceOf(NotFoundError);
  });

  it('rejects a completed or failed session with 409', () => {
    expect(given(sessionDecider, started, completed).error(complete, ctx)).toMatchObject({ code: 'session_finished' });
    expect(given(sessionDecider, started, failed).error(complete, ctx)).toBeInstanceOf(ConflictError);
  });

  it('happened at endTime', () => {
    expect(sessionOccurredAt(completed, ctx.now).toISOString()).toBe('2025-06-01T08:30:15.900Z');
  });
});

describe('FailSession', () => {
  it('fails a started session', () => {
    expect(given(sessionDecider, started).when(fail, ctx)).toEqual([failed]);
    expect(sessionOccurredAt(failed, ctx.now)).toBe(ctx.now);
  });

  it('rejects an unknown session with 404', () => {
    expect(given(sessionDecider).error(fail, ctx)).toBeInstanceOf(NotFoundError);
  });

  it('rejects a completed or failed session with 409', () => {
    expect(given(sessionDecider, started, completed).error(fail, ctx)).toBeInstanceOf(ConflictError);
    expect(given(sessionDecider, started, failed).error(fail, ctx)).toBeInstanceOf(ConflictError);
  });
});
