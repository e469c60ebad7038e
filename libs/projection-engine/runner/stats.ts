/** What a runner spent on one projection. */
export type ApplyStats = { batches: number; events: number; seconds: number };

const zero = (): ApplyStats => ({ batches: 0, events: 0, seconds: 0 });

/**
 * The runner's counters: per projection the batches and events it applied and the wall time
 * spent (loads, fold, write transaction); and the opening (decryption) of batches, once per
 * batch for every projection.
 */
export class RunnerStats {
  private readonly applied = new Map<string, ApplyStats>();
  private readonly opening: ApplyStats = zero();

  /** Counts a batch of `events` for `name` and charges it the time `write` takes, even if it fails. */
  async timeBatch(name: string, events: number, write: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const stats = this.applied.get(name) ?? zero();
    this.applied.set(name, stats);
    stats.batches += 1;
    stats.events += events;
    try {
      await write();
    } finally {
      stats.seconds += (performance.now() - started) / 1000;
    }
  }

  /** Counts a batch of `events` for `name` that took `seconds` (its share of a shared transaction). */
  charge(name: string, events: number, seconds: number): void {
    const stats = this.applied.get(name) ?? zero();
    this.applied.set(name, {
      batches: stats.batches + 1,
      events: stats.events + events,
      seconds: stats.seconds + seconds,
    });
  }

  /** Opens (decrypts) a batch of `events` through `open`, timed. */
  async timeOpening<T>(events: number, open: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await open();
    } finally {
      this.opening.batches += 1;
      this.opening.events += events;
      this.opening.seconds += (performance.now() - started) / 1000;
    }
  }

  /** A copy of the per-projection counters. */
  byProjection(): Record<string, ApplyStats> {
    return Object.fromEntries([...this.applied].map(([name, s]) => [name, { ...s }]));
  }

  /** A copy of the opening counters. */
  openingStats(): ApplyStats {
    return { ...this.opening };
  }
}
