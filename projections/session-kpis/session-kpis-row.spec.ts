import { describe, expect, it } from '@jest/globals';
import type { SessionCompleted } from '../../libs/domain/session/session.events.js';
import { kpiColumns, numberCompletions } from './session-kpis-row.js';

function completion(sessionId: string, kpis: SessionCompleted['data']['kpis'] = {}) {
  return {
    data: {
      sessionId,
      endTime: '2026-02-01T11:00:00Z',
      kpis,
      playerId: 'p1',
      startTime: '2026-02-01T10:00:00Z',
      durationSeconds: 3600,
    },
    occurredAt: '2026-02-01T11:00:00Z',
  };
}

describe('numberCompletions', () => {
  it('numbers after the last id in order, skipping sessions already present or repeated', () => {
    const rows = numberCompletions(
      [completion('a'), completion('known'), completion('b'), completion('a')],
      7,
      new Set(['known']),
    );
    expect(rows.map((r) => [r.id, r.session_id])).toEqual([
      [8, 'a'],
      [9, 'b'],
    ]);
  });

  it('writes every metric column, null when not sent', () => {
    const [row] = numberCompletions([completion('a', { jumps: 2 })], 0, new Set());
    expect(row).toEqual({
      id: 1,
      session_id: 'a',
      player_id: 'p1',
      ...Object.fromEntries(kpiColumns.map((c) => [c, null])),
      jumps: 2,
      calculated_at: '2026-02-01T11:00:00Z',
    });
    expect(kpiColumns).toHaveLength(17);
  });
});
