import type { Position, StoredEvent, Subscription, SubscriptionCheckpoint } from '../../event-store/index.js';
import { batchesOf, prefetch } from '../batches.js';
import { faultedNames, loadPositions } from '../checkpoints.js';
import { describeFault } from '../fault.js';
import type { Projection } from '../projection.js';
import type { EventOpener, OpenedEvent } from '../open-events.js';
import type { RunnerLogger, RunnerSettings } from './options.js';
import type { RunnerStats } from './stats.js';
import { LIVE_BATCH, ReadPass, type PassParts } from './read-pass.js';

/** What the loop works with besides a pass's parts. */
export type LoopParts = PassParts & {
  byName: ReadonlyMap<string, Projection>;
  opener: EventOpener;
  stats: RunnerStats;
  logger: RunnerLogger;
  settings: RunnerSettings;
};

/**
 * The catch-up and live loop: reads the log from the lowest checkpoint of the projections held
 * (and not faulted), in batches, until the set of projections held changes; then again. A
 * failed pass (a lost database) is retried after a second; with nothing to run it waits.
 */
export class ReadLoop {
  private stopped = false;
  private subscription: Subscription<unknown> | null = null;
  private loop: Promise<void> | null = null;
  private wakeIdle: (() => void) | null = null;
  /** bumped whenever the set of projections to read changes */
  private generation = 0;

  constructor(private readonly parts: LoopParts) {}

  /** Starts reading in the background. */
  start(): void {
    this.loop = this.run();
  }

  /** Stops reading and waits for the batch being applied. */
  async halt(): Promise<void> {
    this.stopped = true;
    this.wakeIdle?.();
    await this.subscription?.close();
    await this.loop?.catch(() => undefined);
  }

  /** Ends the current subscription so the loop starts again with the projections now held. */
  restart(): void {
    this.generation++;
    this.wakeIdle?.();
    void this.subscription?.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.runOnce();
      } catch (error) {
        if (this.stopped) return;
        this.parts.logger.error({ err: describeFault(error) }, 'projection runner failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async runOnce(): Promise<void> {
    const { db, store, leases, writer, settings } = this.parts;
    const generation = this.generation;
    const dbFaulted = await faultedNames(db, [...leases.held.keys()]);
    const active = new Map([...leases.held].filter(([name]) => !writer.isFaulted(name) && !dbFaulted.has(name)));
    if (active.size === 0) {
      await new Promise<void>((resolve) => {
        this.wakeIdle = resolve;
        setTimeout(resolve, 1000);
      });
      return;
    }
    const positions = await loadPositions(db, [...active.keys()]);
    const projections = [...active.keys()].map((name) => this.parts.byName.get(name)!);
    await this.parts.caches.prepare(projections, positions, this.parts.indexes);
    const from = lowest([...active.keys()].map((name) => positions.get(name) ?? null));
    // Live, the log is read at the batches' rhythm: one read per interval, not one per append.
    const subscription = store.subscribeToAllWithCheckpoints({
      fromPosition: from ?? 'start',
      eventTypes: [...new Set(projections.flatMap((p) => p.eventTypes))],
      pageSize: settings.pageSize,
      liveReadIntervalMs: settings.liveBatchIntervalMs,
    });
    this.subscription = subscription;
    this.parts.applied.reset();
    // A stop or a lease change that came while this was being set up must end it too.
    if (this.stopped || generation !== this.generation) void subscription.close();
    const pass = new ReadPass(this.parts, projections, active, positions);
    try {
      const items = prefetch<StoredEvent | SubscriptionCheckpoint>(
        subscription,
        Math.max(1, Math.floor(settings.batchSize / 2)),
      );
      for await (const batch of batchesOf(items, settings.batchSize)) {
        const batchStarted = performance.now();
        await pass.apply(batch, await this.open(batch.events));
        if (pass.done() || this.stopped) break;
        // Live traffic: let events gather for a few ms (read ahead meanwhile) rather than paying
        // a transaction per projection for every single event.
        const linger = settings.liveBatchIntervalMs - (performance.now() - batchStarted);
        if (batch.events.length < LIVE_BATCH && linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      }
      await pass.drain();
    } finally {
      // No transaction of this run may outlive it (a retry or another subscription starts next).
      await pass.settled();
      await subscription.close();
      if (this.subscription === subscription) this.subscription = null;
    }
  }

  /** The batch's events decrypted, once for every projection (timed for `openingStats`). */
  private async open(events: readonly StoredEvent[]): Promise<OpenedEvent[]> {
    if (events.length === 0) return [];
    return this.parts.stats.timeOpening(events.length, () => this.parts.opener.open(events));
  }
}

function lowest(positions: (Position | null)[]): Position | null {
  if (positions.some((p) => p === null)) return null;
  return (positions as Position[]).reduce((a, b) => (a < b ? a : b));
}
