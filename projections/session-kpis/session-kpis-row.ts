import type { SessionCompleted } from '../../libs/domain/session/session.events.js';
import type { SessionKpis } from '../../libs/domain/session/session.commands.js';

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
] as const satisfies readonly (keyof SessionKpis)[];

/** One `session_kpis` row as JSON; a KPI the completion did not send is null. */
export type SessionKpisRow = {
  id: number;
  session_id: string;
  player_id: string;
  calculated_at: string;
} & { [K in (typeof kpiColumns)[number]]: SessionKpis[K] | null };

/**
 * The KPI row of one completion (pure): `id` is given by the caller, `calculated_at` is the
 * completion's occurredAt.
 *
 * @example kpisRow(7, completion.data, '2026-02-01T11:30:00Z').touches // 42, or null
 */
export function kpisRow(id: number, data: SessionCompleted['data'], occurredAt: string): SessionKpisRow {
  const metrics = Object.fromEntries(kpiColumns.map((column) => [column, data.kpis[column] ?? null]));
  return { id, session_id: data.sessionId, player_id: data.playerId, ...metrics, calculated_at: occurredAt } as SessionKpisRow;
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
