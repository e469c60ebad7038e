import type { Kysely } from 'kysely';
import type { Position } from '../../event-store/index.js';
import { advanceCheckpoints } from '../checkpoints.js';
import { LostTurn } from '../errors.js';

/**
 * The outcome of a checkpoint-only write: `advanced` (the checkpoint moved), `throttled` (one
 * was written less than `idleCheckpointMs` ago: nothing done) or `lost-lease` (another runner
 * took the projection over: the fence or the position no longer match, nothing written).
 */
export type IdleAdvance = { kind: 'advanced' } | { kind: 'throttled' } | { kind: 'lost-lease' };

/**
 * Checkpoint-only writes: a projection's checkpoint moved past a run of events it does not
 * handle (a store checkpoint), at most every `intervalMs` per projection. They spare a restart
 * from rescanning the log.
 */
export class IdleCheckpoints {
  private readonly lastWrites = new Map<string, number>();

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly intervalMs: number,
  ) {}

  /** Moves `name`'s checkpoint from `previous` to `next` under `fence`, unless throttled. */
  async advance(name: string, fence: bigint, previous: Position | null, next: Position): Promise<IdleAdvance> {
    const now = Date.now();
    if (now - (this.lastWrites.get(name) ?? 0) < this.intervalMs) return { kind: 'throttled' };
    this.lastWrites.set(name, now);
    try {
      await advanceCheckpoints(this.db, [{ name, fence, previous, next }]);
      return { kind: 'advanced' };
    } catch (error) {
      if (error instanceof LostTurn) return { kind: 'lost-lease' };
      throw error;
    }
  }
}
