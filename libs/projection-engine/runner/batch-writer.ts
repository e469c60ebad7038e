import type { Position } from '../../event-store/index.js';
import { isConnectionError } from '../../read-store/connection-errors.js';
import { applyBatch, applyBatchTogether, type ApplyOptions } from '../apply-batch.js';
import { advanceCheckpointsStatement, asLostTurn, markFaulted, type CheckpointMove } from '../checkpoints.js';
import { LIVE_SCHEMA } from '../engine-schema.js';
import { LostTurn } from '../errors.js';
import { describeFault } from '../fault.js';
import type { Projection } from '../projection.js';
import type { OpenedEvent } from '../open-events.js';
import type { HistoryReader } from '../sql-io.js';
import type { RunnerOptions } from './options.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { RowCaches } from './row-caches.js';
import type { RunnerStats } from './stats.js';

/** A batch given to one projection: committed up to `position`, or the projection stopped (faulted or taken over). */
export type BatchOutcome = { kind: 'applied'; position: Position } | { kind: 'stopped' };

/**
 * Applies batches to the live tables, each in one transaction with its checkpoint (fenced by
 * the lease): one projection at a time (`applyBatch`), or several live ones together
 * (`applyTogether`). Finds the event a projection fails on, and marks the projection faulted.
 */
export class BatchWriter {
  private readonly faulted = new Set<string>();

  constructor(
    private readonly options: Pick<RunnerOptions, 'db' | 'context' | 'logger' | 'metrics'>,
    private readonly history: HistoryReader,
    private readonly caches: RowCaches,
    private readonly leases: LeaseKeeper,
    private readonly stats: RunnerStats,
  ) {}

  /** True when `name` faulted in this process (it stops until the next start). */
  isFaulted(name: string): boolean {
    return this.faulted.has(name);
  }

  /**
   * Commits `events` to the projection with its checkpoint. If that fails, applies them one at a
   * time (those before the failing event commit) and marks the projection faulted at it. A lost
   * database is thrown: the run loop retries the batch once it is back.
   */
  async applyBatch(
    projection: Projection,
    fence: bigint,
    previous: Position | null,
    events: OpenedEvent[],
  ): Promise<BatchOutcome> {
    try {
      await this.commit(projection, fence, previous, events);
      return { kind: 'applied', position: events[events.length - 1]!.position };
    } catch (error) {
      if (error instanceof LostTurn) return this.lostTurn(projection);
      if (isConnectionError(error)) throw error;
      this.caches.drop(projection.name);
      let position = previous;
      for (const event of events) {
        try {
          await this.commit(projection, fence, position, [event]);
          position = event.position;
        } catch (single) {
          if (single instanceof LostTurn) return this.lostTurn(projection);
          if (isConnectionError(single)) throw single;
          this.faulted.add(projection.name);
          await markFaulted(this.options.db, projection.name, event.id, single);
          this.options.logger.error(
            { projection: projection.name, eventId: event.id, err: describeFault(single) },
            'projection faulted',
          );
          return { kind: 'stopped' };
        }
      }
      return { kind: 'applied', position: position! };
    }
  }

  /**
   * A live batch of several projections in one transaction (`applyBatchTogether`). False when
   * fewer than two have events, or when it failed (nothing written, caches cleared): then the
   * caller applies them one by one. A lost database is thrown, as in `applyBatch`.
   */
  async applyTogether(
    parts: { projection: Projection; events: OpenedEvent[] }[],
    active: ReadonlyMap<string, bigint>,
    positions: Map<string, Position | null>,
  ): Promise<boolean> {
    const touched = parts.filter((p) => p.events.length > 0);
    if (touched.length < 2) return false;
    const started = performance.now();
    const moves: CheckpointMove[] = touched.map(({ projection, events }) => ({
      name: projection.name,
      fence: active.get(projection.name)!,
      previous: positions.get(projection.name) ?? null,
      next: events[events.length - 1]!.position,
    }));
    try {
      await applyBatchTogether(
        this.options.db,
        touched.map(({ projection, events }) => ({ events, options: this.applyOptions(projection) })),
        advanceCheckpointsStatement(moves),
      );
    } catch (error) {
      if (isConnectionError(error)) throw error;
      return false;
    }
    // each projection is charged an equal share of the transaction's wall time
    const share = (performance.now() - started) / 1000 / touched.length;
    for (const { projection, events } of touched) {
      this.stats.charge(projection.name, events.length, share);
      this.options.metrics?.batchApplied(projection.name, events.length, share);
      positions.set(projection.name, events[events.length - 1]!.position);
    }
    return true;
  }

  private async commit(
    projection: Projection,
    fence: bigint,
    previous: Position | null,
    events: OpenedEvent[],
  ): Promise<void> {
    const started = performance.now();
    const move: CheckpointMove = { name: projection.name, fence, previous, next: events[events.length - 1]!.position };
    try {
      await this.stats.timeBatch(projection.name, events.length, () =>
        applyBatch(events, { ...this.applyOptions(projection), checkpoint: advanceCheckpointsStatement([move]) }),
      );
    } catch (error) {
      throw asLostTurn(error, [move]);
    }
    // Only after the commit: a rolled-back batch (lost turn, fault) applied nothing.
    this.options.metrics?.batchApplied(projection.name, events.length, (performance.now() - started) / 1000);
  }

  private applyOptions(projection: Projection): Omit<ApplyOptions, 'checkpoint'> {
    return {
      db: this.options.db,
      schema: LIVE_SCHEMA,
      projection,
      context: this.options.context,
      cache: this.caches.of(projection.name),
      history: this.history,
    };
  }

  private lostTurn(projection: Projection): { kind: 'stopped' } {
    this.leases.drop(projection.name);
    this.caches.drop(projection.name);
    this.options.logger.warn({ projection: projection.name }, 'projection taken over by another runner');
    return { kind: 'stopped' };
  }
}
