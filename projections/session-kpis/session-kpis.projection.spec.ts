import { describe, expect, it } from '@jest/globals';
import { EventLog, specHarness } from '../testing/projection-spec.js';
import { sessionKpisProjection } from './session-kpis.projection.js';

const harness = specHarness();

const allKpis = {
  max_speed_kmh: 31.4,
  avg_speed_kmh: 7.25,
  speed_zones: { walk: 1200, jog: 900.5, sprint: 60 },
  total_distance_m: 10234.5,
  high_intensity_distance_m: 1800,
  sprint_distance_m: 420.75,
  touches: 64,
  passes: 41,
  pass_accuracy: 87.8,
  shots: 3,
  accelerations: 22,
  decelerations: 19,
  max_acceleration: 4.1,
  jumps: 7,
  training_load: 512.3,
  player_load: 610,
  intensity_score: 0.82,
};

const noKpis = Object.fromEntries(Object.keys(allKpis).map((k) => [k, null]));

function completed(
  log: EventLog,
  sessionId: string,
  playerId: string,
  kpis: Record<string, unknown>,
  endTime = '2026-02-01T11:30:00Z',
) {
  return log.event(
    'SessionCompleted',
    { sessionId, endTime, kpis, playerId, startTime: '2026-02-01T10:00:00Z', durationSeconds: 5400 },
    { streamId: `session-${sessionId}`, occurredAt: endTime },
  );
}

describe('session_kpis projection', () => {
  it('records every KPI of a completion, typed as the seed, calculated at the completion', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionKpisProjection);
    await t.apply([completed(log, 's1', 'p1', allKpis)]);
    expect(await t.rows('session_kpis', 'id')).toEqual([
      { id: 1, session_id: 's1', player_id: 'p1', ...allKpis, calculated_at: '2026-02-01T11:30:00+00:00' },
    ]);
    const types = await t.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'session_kpis' AND column_name IN ('touches', 'pass_accuracy', 'speed_zones')
       ORDER BY column_name`,
    );
    expect(types).toEqual([
      { column_name: 'pass_accuracy', data_type: 'double precision' },
      { column_name: 'speed_zones', data_type: 'jsonb' },
      { column_name: 'touches', data_type: 'integer' },
    ]);
  });

  it('leaves a KPI the completion did not send null', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionKpisProjection);
    await t.apply([completed(log, 's1', 'p1', { touches: 0, max_speed_kmh: 25 })]);
    expect(await t.rows('session_kpis', 'id')).toEqual([
      {
        id: 1,
        session_id: 's1',
        player_id: 'p1',
        ...noKpis,
        touches: 0,
        max_speed_kmh: 25,
        calculated_at: '2026-02-01T11:30:00+00:00',
      },
    ]);
  });

  it('numbers the rows 1, 2, … in log order and keeps the first row of a session', async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionKpisProjection);
    await t.apply([completed(log, 'b', 'p1', {}), completed(log, 'a', 'p2', {})]);
    await t.apply([
      completed(log, 'b', 'p1', { touches: 9 }),
      completed(log, 'c', 'p1', {}),
      completed(log, 'c', 'p1', { touches: 5 }),
    ]);
    const rows = await t.rows('session_kpis', 'id');
    expect(rows.map((r) => [r['id'], r['session_id'], r['touches']])).toEqual([
      [1, 'b', null],
      [2, 'a', null],
      [3, 'c', null],
    ]);
  });

  it('gives the same rows (ids included) in batches of one as in one batch', async () => {
    const log = new EventLog();
    const events = [
      completed(log, 's1', 'p1', allKpis, '2026-02-01T11:00:00Z'),
      completed(log, 's2', 'p2', { passes: 3 }, '2026-02-02T11:00:00Z'),
      completed(log, 's3', 'p1', { speed_zones: { z1: 1 } }, '2026-02-03T11:00:00Z'),
    ];
    const whole = await harness.fresh(sessionKpisProjection);
    await whole.apply(events);
    const single = await harness.fresh(sessionKpisProjection);
    await single.apply(events, 1);
    const rows = await whole.rows('session_kpis', 'id');
    expect(rows.map((r) => [r['id'], r['session_id']])).toEqual([
      [1, 's1'],
      [2, 's2'],
      [3, 's3'],
    ]);
    expect(await single.rows('session_kpis', 'id')).toEqual(rows);
  });

  it("serves a player's KPIs newest first", async () => {
    const log = new EventLog();
    const t = await harness.fresh(sessionKpisProjection);
    await t.apply([
      completed(log, 's1', 'p1', {}, '2026-02-01T11:00:00Z'),
      completed(log, 's2', 'p2', {}, '2026-02-02T11:00:00Z'),
      completed(log, 's3', 'p1', {}, '2026-02-03T11:00:00Z'),
    ]);
    const rows = await t.query<{ session_id: string }>(
      'SELECT session_id FROM session_kpis WHERE player_id = $1 ORDER BY calculated_at DESC',
      ['p1'],
    );
    expect(rows).toEqual([{ session_id: 's3' }, { session_id: 's1' }]);
  });
});
