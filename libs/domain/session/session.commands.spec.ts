import { rejectedPaths } from '../shared/test-schema.js';
import { CompleteSessionSchema, FailSessionSchema, StartSessionSchema } from './session.commands.js';

describe('StartSession schema', () => {
  const valid = { sessionId: 'se1', playerId: 'p1', sessionType: 'match', startTime: '2025-06-01T09:00:00Z' };

  it('accepts metadata up to 16 KB of JSON and rejects more', () => {
    expect(rejectedPaths(StartSessionSchema, { ...valid, metadata: { notes: 'x'.repeat(16_000) } })).toEqual([]);
    expect(rejectedPaths(StartSessionSchema, { ...valid, metadata: { notes: 'x'.repeat(16_400) } })).toEqual([
      'metadata',
    ]);
  });

  it('rejects metadata that is not an object and an unknown session type', () => {
    expect(rejectedPaths(StartSessionSchema, { ...valid, sessionType: 'rest', metadata: [1, 2] })).toEqual([
      'sessionType',
      'metadata',
    ]);
  });
});

describe('CompleteSession schema', () => {
  const valid = { sessionId: 'se1', endTime: '2025-06-01T10:00:00Z' };

  it('accepts every KPI of session_kpis, and none', () => {
    const kpis = {
      max_speed_kmh: 30,
      avg_speed_kmh: 8.2,
      speed_zones: { walk: 1200, sprint: 40.5 },
      total_distance_m: 9800,
      high_intensity_distance_m: 1200,
      sprint_distance_m: 300,
      touches: 60,
      passes: 41,
      pass_accuracy: 100,
      shots: 3,
      accelerations: 20,
      decelerations: 18,
      max_acceleration: 4.1,
      jumps: 7,
      training_load: 450,
      player_load: 610.5,
      intensity_score: 7.5,
    };
    expect(rejectedPaths(CompleteSessionSchema, { ...valid, kpis })).toEqual([]);
    expect(rejectedPaths(CompleteSessionSchema, { ...valid, kpis: {} })).toEqual([]);
  });

  it('rejects negative numbers, fractional counts, accuracy above 100 and unknown KPIs', () => {
    expect(
      rejectedPaths(CompleteSessionSchema, {
        ...valid,
        kpis: { max_speed_kmh: -1, passes: 4.5, pass_accuracy: 101, speed_zones: { sprint: -3 }, heart_rate: 150 },
      }),
    ).toEqual([
      'kpis.max_speed_kmh',
      'kpis.speed_zones.sprint',
      'kpis.passes',
      'kpis.pass_accuracy',
      'kpis.heart_rate',
    ]);
  });

  it('requires kpis', () => {
    expect(rejectedPaths(CompleteSessionSchema, valid)).toEqual(['kpis']);
  });
});

describe('FailSession schema', () => {
  it('requires a reason', () => {
    expect(rejectedPaths(FailSessionSchema, { sessionId: 'se1' })).toEqual(['reason']);
  });
});
