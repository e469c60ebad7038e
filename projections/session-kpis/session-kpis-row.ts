import type { SessionCompleted } from '../../libs/domain/session/session.events.js';
import type { SessionKpis } from '../../libs/domain/session/session.commands.js';
import type { SessionKpisRow } from './session-kpis.tables.js';

export type { SessionKpisRow } from './session-kpis.tables.js';

/** The metric columns of `session_kpis`, in the seed's order (the KPI names of CompleteSession). */
export const kpiColumns = [
  'max_speed_kmh',
  'avg_speed_kmh',
  'speed_zones',
  'total_distance_m',
  'high_intensity_distance_m',
  'sprint_distance_m',
  'touches',
  'passes',
  'pass_accuracy',
  'shots',
  'accelerations',
  'decelerations',
  'max_acceleration',
  'jumps',
  'training_load',
  'player_load',
  'intensity_score',
] as const satisfies readonly (keyof SessionKpis & keyof SessionKpisRow)[];

/**
 * The KPI row of one completion (pure): `id` is given by the caller, `calculated_at` is the
 * completion's occurredAt.
 *
 * @example kpisRow(7, completion.data, '2026-02-01T11:30:00Z').touches // 42, or null
 */
export function kpisRow(id: number, data: SessionCompleted['data'], occurredAt: string): SessionKpisRow {
  const k = data.kpis;
  return {
    id,
    session_id: data.sessionId,
    player_id: data.playerId,
    max_speed_kmh: k.max_speed_kmh ?? null,
    avg_speed_kmh: k.avg_speed_kmh ?? null,
    speed_zones: k.speed_zones ?? null,
    total_distance_m: k.total_distance_m ?? null,
    high_intensity_distance_m: k.high_intensity_distance_m ?? null,
    sprint_distance_m: k.sprint_distance_m ?? null,
    touches: k.touches ?? null,
    passes: k.passes ?? null,
    pass_accuracy: k.pass_accuracy ?? null,
    shots: k.shots ?? null,
    accelerations: k.accelerations ?? null,
    decelerations: k.decelerations ?? null,
    max_acceleration: k.max_acceleration ?? null,
    jumps: k.jumps ?? null,
    training_load: k.training_load ?? null,
    player_load: k.player_load ?? null,
    intensity_score: k.intensity_score ?? null,
    calculated_at: occurredAt,
  };
}

/**
 * Numbers the batch's completions after `lastId` in log order, skipping a session already
 * numbered (in the table or earlier in the batch), so ids are 1, 2, … in log order whatever
 * the batching.
 */
export function numberCompletions(
  completions: readonly { data: SessionCompleted['data']; occurredAt: string }[],
  lastId: number,
  existingSessionIds: ReadonlySet<string>,
): SessionKpisRow[] {
  const seen = new Set(existingSessionIds);
  const rows: SessionKpisRow[] = [];
  for (const { data, occurredAt } of completions) {
    if (seen.has(data.sessionId)) continue;
    seen.add(data.sessionId);
    rows.push(kpisRow(lastId + rows.length + 1, data, occurredAt));
  }
  return rows;
}
