import type { Kysely } from 'kysely';
import { acquireLeases, releaseLeases } from '../leases.js';
import { describeFault } from '../fault.js';
import type { RunnerLogger } from './options.js';

/** What the keeper tells the runner when the leases it holds change. */
export type LeaseEvents = {
  /** a lease of `name` was lost or taken anew: another runner may have written meanwhile */
  fenceChanged(name: string): void;
  /** the set of leases (or a fence) changed: read again with the projections now held */
  heldChanged(): void;
};

/**
 * Holds this runner's leases, one per projection (one runner at a time writes it): renews or
 * seeks them every `renewMs`, and keeps the fence of each lease held.
 */
export class LeaseKeeper {
  private fences = new Map<string, bigint>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly owner: string,
    private readonly names: readonly string[],
    private readonly ttlMs: number,
    private readonly logger: RunnerLogger,
    private readonly events: LeaseEvents,
  ) {}

  /** The fence of every lease held now (replaced, not changed, by a renewal). */
  get held(): ReadonlyMap<string, bigint> {
    return this.fences;
  }

  /** Seeks the leases once, then renews them every `renewMs`. */
  async start(renewMs: number): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.renew(), renewMs);
  }

  /** Stops renewing (the leases expire unless released). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Gives every lease back, so another instance takes over at once. */
  async release(): Promise<void> {
    await releaseLeases(this.db, this.owner, this.names);
  }

  /** Forgets a lease another runner took over (its next write was refused). */
  drop(name: string): void {
    this.fences.delete(name);
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      const now = await acquireLeases(this.db, this.owner, this.names, this.ttlMs);
      const held = this.fences;
      const changed = now.size !== held.size || [...now].some(([name, fence]) => held.get(name) !== fence);
      for (const name of this.names) if (now.get(name) !== held.get(name)) this.events.fenceChanged(name);
      this.fences = now;
      if (changed) this.events.heldChanged();
    } catch (error) {
      this.logger.warn({ err: describeFault(error) }, 'projection lease renewal failed');
    }
  }
}
