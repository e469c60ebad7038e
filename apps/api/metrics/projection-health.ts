import { sql, type Kysely } from 'kysely';
import type { EventStore } from '../../../libs/event-store/index.js';
import {
  ENGINE_SCHEMA,
  projectionStatuses,
  type Projection,
  type ProjectionStatus,
  type RebuildProgress,
} from '../../../libs/projection-engine/index.js';

/** What the engine offers that health needs; `ProjectionRunner` and `ProjectionAdmin` fit. */
export type HealthSources = {
  db: Kysely<unknown>;
  store: EventStore;
  projections: readonly Projection[];
  fingerprintOf(name: string): string;
  rebuildProgress(name: string): Promise<RebuildProgress | null>;
  /** the clock (tests pass a fixed one) */
  now?: () => Date;
};

/** A projection's status (SPEC §6) with the figures that tell alive apart from progressing. */
export type ProjectionHealth = ProjectionStatus & {
  /** age of the oldest event of its types it has not applied (0 when caught up) */
  lagSeconds: number;
  /** since its checkpoint last moved; null before the runner first registered it */
  secondsSinceProgress: number | null;
  /** the latest rebuild: its state and processed / total (1 once swapped); null if never rebuilt */
  rebuild: { state: RebuildProgress['state']; ratio: number } | null;
};

/**
 * Every projection's health, read from the engine's status code, its checkpoint rows and the
 * log: what `/metrics` samples at each scrape and `GET /admin/projections` shows.
 *
 * @example
 * const health = await projectionHealth({ db, store, projections, fingerprintOf, rebuildProgress });
 * health[0].lagSeconds; // 12.5: the oldest unapplied event was recorded 12.5 s ago
 */
export async function projectionHealth(sources: HealthSources): Promise<ProjectionHealth[]> {
  const { db, store, projections } = sources;
  const now = (sources.now ?? (() => new Date()))();
  const statuses = await projectionStatuses(db, store, projections, (name) => sources.fingerprintOf(name));
  const idle = await secondsSinceCheckpointMoved(db);
  const byName = new Map(projections.map((p) => [p.name, p]));
  return Promise.all(
    statuses.map(async (status): Promise<ProjectionHealth> => {
      const projection = byName.get(status.name)!;
      return {
        ...status,
        lagSeconds: status.lag > 0 ? await oldestUnappliedAge(store, projection, status.position, now) : 0,
        secondsSinceProgress: idle.get(status.name) ?? null,
        rebuild: rebuildRatio(await sources.rebuildProgress(status.name)),
      };
    }),
  );
}

async function oldestUnappliedAge(
  store: EventStore,
  projection: Projection,
  position: string | null,
  now: Date,
): Promise<number> {
  const [next] = await store.readAll({
    fromPosition: position === null ? 'start' : BigInt(position),
    maxCount: 1,
    eventTypes: projection.eventTypes,
  });
  return next ? Math.max(0, (now.getTime() - next.recordedAt.getTime()) / 1000) : 0;
}

async function secondsSinceCheckpointMoved(db: Kysely<unknown>): Promise<Map<string, number>> {
  const { rows } = await sql<{ name: string; seconds: number }>`SELECT name,
      greatest(0, extract(epoch FROM now() - updated_at))::float8 AS seconds
    FROM ${sql.id(ENGINE_SCHEMA, 'checkpoints')}`.execute(db);
  return new Map(rows.map((r) => [r.name, Number(r.seconds)]));
}

function rebuildRatio(progress: RebuildProgress | null): ProjectionHealth['rebuild'] {
  if (!progress) return null;
  const ratio =
    progress.state === 'swapped' ? 1 : progress.total > 0 ? Math.min(1, progress.processed / progress.total) : 0;
  return { state: progress.state, ratio };
}
