import { describe, expect, it } from '@jest/globals';
import { EventLog } from '../testing/projection-spec.js';
import { evolveSessionRow } from './session-row.js';

const log = new EventLog();

const start = log.projected(
  'SessionStarted',
  { sessionId: 's1', playerId: 'p1', sessionType: 'analysis', startTime: '2026-02-01T10:00:00Z' },
  { occurredAt: '2026-02-01T10:00:00Z' },
);
const complete = log.projected(
  'SessionCompleted',
  {
    sessionId: 's1',
    endTime: '2026-02-01T10:00:59.9Z',
    kpis: {},
    playerId: 'p1',
    startTime: '2026-02-01T10:00:00Z',
    durationSeconds: 59,
  },
  { occurredAt: '2026-02-01T10:00:59.9Z' },
);
const fail = log.projected(
  'SessionFailed',
  { sessionId: 's1', reason: 'x', playerId: 'p1' },
  { occurredAt: '2026-02-01T11:00:00Z' },
);

describe('evolveSessionRow', () => {
  const pending = evolveSessionRow(undefined, start)!;

  it('starts a pending session with null optional fields', () => {
    expect(pending).toEqual({
      id: 's1',
      player_id: 'p1',
      user_id: 'p1',
      session_type: 'analysis',
      title: null,
      description: null,
      start_time: '2026-02-01T10:00:00Z',
      end_time: null,
      duration_seconds: null,
      video_path: null,
      status: 'pending',
      created_at: '2026-02-01T10:00:00Z',
      updated_at: '2026-02-01T10:00:00Z',
      metadata: null,
    });
  });

  it('keeps the first start of an id', () => {
    expect(evolveSessionRow(pending, { ...start, occurredAt: '2027-01-01T00:00:00Z' })).toBe(pending);
  });

  it('completes or fails only a pending session', () => {
    const done = evolveSessionRow(pending, complete)!;
    expect(done).toEqual({
      ...pending,
      status: 'completed',
      end_time: '2026-02-01T10:00:59.9Z',
      duration_seconds: 59,
      updated_at: '2026-02-01T10:00:59.9Z',
    });
    expect(evolveSessionRow(done, fail)).toBe(done);
    const failed = evolveSessionRow(pending, fail)!;
    expect(failed).toEqual({ ...pending, status: 'failed', updated_at: '2026-02-01T11:00:00Z' });
    expect(evolveSessionRow(failed, complete)).toBe(failed);
  });

  it('leaves no row for a session never started', () => {
    expect(evolveSessionRow(undefined, complete)).toBeUndefined();
    expect(evolveSessionRow(undefined, fail)).toBeUndefined();
  });
});
