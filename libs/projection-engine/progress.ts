import { sql, type Kysely } from 'kysely';
import type { EventStore, Position } from '../event-store/index.js';
import { loadPositions } from './checkpoints.js';
import { rebuildingNames } from './rebuild/rebuild-state.js';
import type { Projection } from './projection.js';

/**
 * How far a projection has read the log: its checkpoint, or the log's head when no event
 * it handles lies beyond the checkpoint (a runner writes checkpoints only for batches that
 * hold its events).
 */
export async function effectivePositions(
  db: Kysely<unknown>,
  store: EventStore,
  projections: readonly Projection[],
): Promise<Map<string, Position>> {
  const checkpoints = await loadPositions(db, projections.map((p) => p.name));
  const head = (await store.headPosition()) ?? 0n;
  const result = new Map<string, Position>();
  for (const p of projections) {
    const checkpoint = checkpoints.get(p.name) ?? null;
    const [next] = await store.readAll({ fromPosition: checkpoint ?? 'start', maxCount: 1, eventTypes: p.eventTypes });
    result.set(p.name, next ? (checkpoint ?? 0n) : head);
  }
  return result;
}

/** True when every projection has applied every event it handles up to `position`. */
export async function allPassed(db: Kysely<unknown>, store: EventStore, projections: readonly Projection[], position: Position): Promise<boolean> {
  // A position the log has not reached yet has not been passed by anyone.
  if (((await store.headPosition()) ?? 0n) < position) return false;
  const checkpoints = await loadPositions(db, projections.map((p) => p.name));
  for (const p of projections) {
    const checkpoint = checkpoints.get(p.name) ?? null;
    if (checkpoint !== null && checkpoint >= position) continue;
    const [next] = await store.readAll({ fromPosition: checkpoint ?? 'start', maxCount: 1, eventTypes: p.eventTypes });
    if (next && next.position <= position) return false;
  }
  return true;
}

/**
 * Waits until every projection has passed `position` (read your writes), up to `timeoutMs`.
 * `subscribe` wakes it early when a local runner applies a batch; otherwise it checks every
 * 50 ms. Resolves to false on timeout.
 */
export async function waitForPosition(
  db: Kysely<unknown>,
  store: EventStore,
  projections: readonly Projection[],
  position: Position,
  timeoutMs: number,
  subscribe?: (wake: () => void) => () => void,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let wake: () => void = () => undefined;
  const unsubscribe = subscribe?.(() => wake());
  try {
    for (;;) {
      if (await allPassed(db, store, projections, position)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(50, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    unsubscribe?.();
  }
}

/** Status of one projection as admins see it (SPEC §6). */
export type ProjectionStatus = {
  name: string;
  status: 'running' | 'catching_up' | 'stale' | 'rebuilding' | 'faulted';
  /** decimal string, or null before the first event */
  position: string | null;
  /** events it handles that lie beyond its checkpoint */
  lag: number;
  fingerprint: string;
  builtWith: string;
  stale: boolean;
  owner: string | null;
  lastError: { eventId: string | null; message: string; at: string | null } | null;
};

/** Every projection's status from the engine's tables and the log. */
export async function projectionStatuses(
  db: Kysely<unknown>,
  store: EventStore,
  projections: readonly Projection[],
  fingerprintOf: (name: string) => string,
): Promise<ProjectionStatus[]> {
  const { rows } = await sql<{
    name: string;
    position: string | null;
    fingerprint: string;
    faulted_event_id: string | null;
    last_error: string | null;
    faulted_at: Date | string | null;
    owner: string | null;
  }>`SELECT c.name, c.position::text AS position, c.fingerprint, c.faulted_event_id, c.last_error, c.faulted_at,
        CASE WHEN l.expires_at > now() THEN l.owner END AS owner
      FROM caretrack_projections.checkpoints c LEFT JOIN caretrack_projections.leases l ON l.name = c.name`.execute(db);
  const byName = new Map(rows.map((r) => [r.name, r]));
  const rebuilding = await rebuildingNames(db);
  const result: ProjectionStatus[] = [];
  for (const p of projections) {
    const row = byName.get(p.name);
    const position = row?.position ?? null;
    const lag = await store.countEvents({ after: position === null ? 'start' : BigInt(position), eventTypes: p.eventTypes });
    const fingerprint = fingerprintOf(p.name);
    const stale = row !== undefined && row.fingerprint !== fingerprint;
    const faulted = row?.faulted_event_id != null;
    result.push({
      name: p.name,
      status: faulted ? 'faulted' : rebuilding.has(p.name) ? 'rebuilding' : stale ? 'stale' : lag > 0 ? 'catching_up' : 'running',
      position,
      lag,
      fingerprint,
      builtWith: row?.fingerprint ?? fingerprint,
      stale,
      owner: row?.owner ?? null,
      lastError: row?.last_error
        ? { eventId: row.faulted_event_id, message: row.last_error, at: row.faulted_at ? new Date(row.faulted_at).toISOString() : null }
        : null,
    });
  }
  return result;
}
