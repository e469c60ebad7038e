/*
 * Read-your-writes (SPEC §5, `X-Min-Position`): how far each projection has read the log, and
 * waiting until every projection an endpoint reads has passed a client's position.
 */
import type { Kysely } from 'kysely';
import type { EventStore, Position } from '../event-store/index.js';
import { loadPositions } from './checkpoints.js';
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
  const checkpoints = await loadPositions(
    db,
    projections.map((p) => p.name),
  );
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
export async function allPassed(
  db: Kysely<unknown>,
  store: EventStore,
  projections: readonly Projection[],
  position: Position,
): Promise<boolean> {
  // A position the log has not reached yet has not been passed by anyone.
  if (((await store.headPosition()) ?? 0n) < position) return false;
  const checkpoints = await loadPositions(
    db,
    projections.map((p) => p.name),
  );
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
