import { describe, expect, it } from '@jest/globals';
import { EventLog, rowsAfterErasure, specHarness } from '../testing/projection-spec.js';
import { sessionsProjection } from './sessions.projection.js';

const harness = specHarness();

function started(log: EventLog, sessionId: string, extra: Record<string, unknown> = {}) {
  return log.event(
    'SessionStarted',
    { sessionId, playerId: 'p1', sessionType: 'training', startTime: '2026-02-01T10:00:00Z', ...extra },
    { streamId: `session-${sessionId}`, occurredAt: '2026-02-01T10:00:00Z' },
  );
}

function completed(log: EventLog, sessionId: string) {
  return log.event(
    'SessionCompleted',
    {
      sessionId,
      endTime: '2026-02-01T11:30:15Z',
      kpis: { touches: 3 },
      playerId: 'p1',
      startTime: '2026-02-01T10:00:00Z',
      durationSeconds: 5415,
    },
    { streamId: `session-${sessionId}`, occurredAt: '2026-02-01T11:30:15Z' },
  );
}

function failed(log: EventLog, sessionId: string) {
  return log.event(
    'SessionFailed',
    { sessionId, reason: 'camera offline', playerId: 'p1' },
    {
      streamId: `session-${sessionId}`,
      occurredAt: '2026-02-01T12:00:00Z',
    },
  );
}

const pending = {
  id: 's1',
  player_id: 'p1',
  user_id: 'p1',
  session_type: 'training',
  title: null,
  description: null,
  start_time: '2026-02-01T10:00:00+00:00',
  end_time: null,
  duration_seconds: null,
  video_path: null,
  status: 'pending',
  created_at: '2026-02-01T10:00:00+00:00',
  updated_at: '2026-02-01T10:00:00+00:00',
  metadata: null,
};

describe('sessions projection', () => {
  it("an erasure nulls title, description, video path and metadata of the player's sessions; a replay after it gives the same rows", async () => {
    const log = new EventLog();
    const events = [
      started(log, 'x1', {
        title: 'Drill',
        description: 'long run',
        videoPath: '/v/x1.mp4',
        metadata: { coach: 'note' },
      }),
      completed(log, 'x1'),
      started(log, 'x2', { title: 'Match' }),
      failed(log, 'x2'),
    ];
    const { live, replay } = await rowsAfterErasure(harness, sessionsProjection, events, 'sessions', 'id');
    expect(live.length).toBe(2);
    for (const row of live)
      expect({
        title: row['title'],
        description: row['description'],
        video_path: row['video_path'],
        metadata: row['metadata'],
      }).toEqual({ title: null, description: null, video_path: null, metadata: null });
    expect(live.map((row) => row['status'])).toEqual(['completed', 'failed']);
    expect(replay).toEqual(live);
  });

  it('creates a pending session with every field of the start, user_id = player_id', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionsProjection);
    await t.apply([
      started(log, 's1', {
        sessionType: 'match',
        startTime: '2026-02-01T11:00:00+01:00',
        title: 'Cup final',
        description: 'second half only',
        videoPath: 'blob://videos/s1.mp4',
        metadata: { camera: { fps: 50 }, weather: 'rain' },
      }),
    ]);
    expect(await t.rows('sessions', 'id')).toEqual([
      {
        ...pending,
        session_type: 'match',
        title: 'Cup final',
        description: 'second half only',
        video_path: 'blob://videos/s1.mp4',
        metadata: { camera: { fps: 50 }, weather: 'rain' },
      },
    ]);
  });

  it('completes a session: status, end time, duration and updated_at from the completion', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionsProjection);
    await t.apply([started(log, 's1'), completed(log, 's1')]);
    expect(await t.rows('sessions', 'id')).toEqual([
      {
        ...pending,
        status: 'completed',
        end_time: '2026-02-01T11:30:15+00:00',
        duration_seconds: 5415,
        updated_at: '2026-02-01T11:30:15+00:00',
      },
    ]);
  });

  it('marks a session failed at the failure time', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionsProjection);
    await t.apply([started(log, 's1'), failed(log, 's1')]);
    expect(await t.rows('sessions', 'id')).toEqual([
      { ...pending, status: 'failed', updated_at: '2026-02-01T12:00:00+00:00' },
    ]);
  });

  it('ignores a completion after a failure and events of a session never started', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionsProjection);
    await t.apply([
      started(log, 's1'),
      failed(log, 's1'),
      completed(log, 's1'),
      completed(log, 's9'),
      failed(log, 's8'),
    ]);
    expect(await t.rows('sessions', 'id')).toEqual([
      { ...pending, status: 'failed', updated_at: '2026-02-01T12:00:00+00:00' },
    ]);
  });

  it('gives the same rows in batches of one as in one batch', async () => {
    const log = new EventLog();
    const events = [
      started(log, 's1'),
      started(log, 's2'),
      completed(log, 's1'),
      started(log, 's3'),
      failed(log, 's2'),
      completed(log, 's3'),
    ];
    const whole = await harness.fresh(sessionsProjection);
    await whole.apply(events);
    const single = await harness.fresh(sessionsProjection);
    await single.apply(events, 1);
    const rows = await whole.rows('sessions', 'id');
    expect(rows.map((r) => [r['id'], r['status']])).toEqual([
      ['s1', 'completed'],
      ['s2', 'failed'],
      ['s3', 'completed'],
    ]);
    expect(await single.rows('sessions', 'id')).toEqual(rows);
  });

  it("serves the seed query of a player's sessions, newest first", async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionsProjection);
    await t.apply([
      started(log, 'old', { startTime: '2026-01-01T10:00:00Z' }),
      log.event(
        'SessionStarted',
        { sessionId: 'new', playerId: 'p1', sessionType: 'match', startTime: '2026-03-01T10:00:00Z' },
        {
          streamId: 'session-new',
          occurredAt: '2026-03-01T10:00:00Z',
        },
      ),
    ]);
    const rows = await t.query<{ id: string }>(
      'SELECT id FROM sessions WHERE player_id = $1 ORDER BY created_at DESC',
      ['p1'],
    );
    expect(rows).toEqual([{ id: 'new' }, { id: 'old' }]);
  });
});
