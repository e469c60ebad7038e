import type { Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/index.js';
import type { Batch } from '../batches.js';
import type { Projection } from '../projection.js';
import type { OpenedEvent } from '../open-events.js';
import { dropPreviousTables } from '../rebuild/swap.js';
import type { BatchWriter } from './batch-writer.js';
import type { DeferredIndexes } from './deferred-indexes.js';
import type { IdleCheckpoints } from './idle-checkpoints.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { RowCaches } from './row-caches.js';
import type { AppliedPosition } from './applied-position.js';

/** Catch-up batches in flight at most (each projection works on one at a time). */
const PIPELINE = 2;

/** Below this many events a batch is live traffic, not a catch-up. */
export const LIVE_BATCH = 500;

/** What a pass works with: the runner's parts and settings. */
export type PassParts = {
  db: Kysely<unknown>;
  store: EventStore;
  /** every projection of the runner (an erasure drops all their rollback tables) */
  allNames: readonly string[];
  writer: BatchWriter;
  idle: IdleCheckpoints;
  leases: LeaseKeeper;
  caches: RowCaches;
  indexes: DeferredIndexes;
  applied: AppliedPosition;
  batchSize: number;
  concurrent: boolean;
};

/**
 * One pass over the log with the projections held and not faulted when it began (`active`,
 * with their fences) from their checkpoints (`positions`, kept current): each batch goes to
 * each projection, pipelined while catching up, in one shared transaction when live.
 */
export class ReadPass {
  /** catch-up batches applied or being applied, oldest first; each resolves once every projection has it */
  private readonly inFlight: Promise<void>[] = [];
  /** per projection, the last batch it was given: the next one starts after it */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly parts: PassParts,
    private readonly projections: readonly Projection[],
    private readonly active: Map<string, bigint>,
    private readonly positions: Map<string, Position | null>,
  ) {}

  /** True once no projection is left to apply (all faulted or taken over). */
  done(): boolean {
    return this.active.size === 0;
  }

  /**
   * Applies an opened batch. Catching up on the server, each projection takes it as soon as it
   * is done with the previous one, on its own connection, without waiting for the others (no
   * barrier per batch: while the slowest projection's rows are still being written, Node
   * already folds the next batch for the rest); at most PIPELINE batches are in flight and their
   * completions (`settle`) run in order. Live traffic goes after whatever a catch-up still has in
   * flight: a small batch holds one pool connection, so the commands keep the rest, and goes in
   * one transaction for all its projections; if that fails, one projection after the other,
   * which finds the faulting event or the lost turn.
   */
  async apply(batch: Batch, opened: OpenedEvent[]): Promise<void> {
    const settle = () => this.settle(batch, opened);
    if (this.parts.concurrent && batch.events.length >= LIVE_BATCH) {
      const work = this.projections.map((projection) => {
        const next = (this.tails.get(projection.name) ?? Promise.resolve()).then(() =>
          this.one(projection, opened, batch.checkpoint),
        );
        this.tails.set(projection.name, next);
        return next;
      });
      const completion = Promise.all([this.inFlight.at(-1), ...work]).then(settle);
      completion.catch(() => undefined); // awaited below (or settled in `finally`)
      this.inFlight.push(completion);
      while (this.inFlight.length >= PIPELINE) await this.inFlight.shift();
      return;
    }
    await this.drain();
    const together =
      batch.events.length < LIVE_BATCH &&
      (await this.parts.writer.applyTogether(
        this.projections.map((p) => ({ projection: p, events: this.eventsFor(p, opened) })),
        this.active,
        this.positions,
      ));
    if (together) {
      for (const projection of this.projections) await this.checkpointOnly(projection, batch.checkpoint);
    } else for (const projection of this.projections) await this.one(projection, opened, batch.checkpoint);
    await settle();
  }

  /** Waits for every catch-up batch in flight (their errors surface here). */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  /** Waits for every batch of the pass, whatever its outcome: no transaction may outlive it. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight, ...this.tails.values()]);
  }

  /** The batch's events the projection handles and has not applied yet. */
  private eventsFor(projection: Projection, opened: OpenedEvent[]): OpenedEvent[] {
    const previous = this.positions.get(projection.name) ?? null;
    return this.active.has(projection.name)
      ? opened.filter((e) => (previous === null || e.position > previous) && projection.eventTypes.includes(e.type))
      : [];
  }

  private async one(projection: Projection, opened: OpenedEvent[], checkpoint: Position | null): Promise<void> {
    if (!this.active.has(projection.name)) return;
    const previous = this.positions.get(projection.name) ?? null;
    const events = this.eventsFor(projection, opened);
    if (events.length > 0) {
      const outcome = await this.parts.writer.applyBatch(
        projection,
        this.active.get(projection.name)!,
        previous,
        events,
      );
      if (outcome.kind === 'applied') this.positions.set(projection.name, outcome.position);
      else this.active.delete(projection.name);
    }
    await this.checkpointOnly(projection, checkpoint);
  }

  /** Moves the checkpoint to the store's `checkpoint` past events the projection does not handle. */
  private async checkpointOnly(projection: Projection, checkpoint: Position | null): Promise<void> {
    const name = projection.name;
    const at = this.positions.get(name) ?? null;
    if (checkpoint === null || !this.active.has(name) || (at !== null && checkpoint <= at)) return;
    const result = await this.parts.idle.advance(name, this.active.get(name)!, at, checkpoint);
    switch (result.kind) {
      case 'advanced':
        this.positions.set(name, checkpoint);
        return;
      case 'throttled':
        // Nothing written; a lease renewal may have lost the projection meanwhile: give it no more.
        if (!this.parts.leases.held.has(name)) this.active.delete(name);
        return;
      case 'lost-lease':
        // Another runner took it over: its rows may have changed under the cache.
        this.parts.leases.drop(name);
        this.parts.caches.drop(name);
        this.active.delete(name);
        return;
    }
  }

  /** What follows a batch once every projection has it: erasures, indexes at the head, progress. */
  private async settle(batch: Batch, opened: OpenedEvent[]): Promise<void> {
    const { db, store, indexes } = this.parts;
    const end = batch.events.at(-1)?.position ?? batch.checkpoint;
    // An erasure applied: the rollback tables may hold the patient's personal fields (SPEC §9).
    if (opened.some((e) => e.type === 'PatientErased')) await dropPreviousTables(db, this.parts.allNames);
    if (
      indexes.any() &&
      batch.events.length < this.parts.batchSize &&
      end !== null &&
      end >= ((await store.headPosition()) ?? 0n)
    ) {
      await indexes.build(this.projections.filter((p) => this.active.has(p.name)));
    }
    this.parts.applied.settled(end !== null && this.active.size === this.projections.length ? end : null);
  }
}
