import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Position } from '../event-store/index.js';
import { storeHistory } from './apply-batch.js';
import { clearFaults, registerProjection } from './checkpoints.js';
import { migrateEngine } from './engine-schema.js';
import { fingerprintOf } from './fingerprint.js';
import type { Projection } from './projection.js';
import { settingsOf, type RunnerOptions, type RunnerSettings } from './runner/options.js';
import { RunnerStats, type ApplyStats } from './runner/stats.js';
import { LeaseKeeper } from './runner/lease-keeper.js';
import { RowCaches } from './runner/row-caches.js';
import { DeferredIndexes } from './runner/deferred-indexes.js';
import { IdleCheckpoints } from './runner/idle-checkpoints.js';
import { BatchWriter } from './runner/batch-writer.js';
import { AppliedPosition } from './runner/applied-position.js';
import { ReadLoop } from './runner/read-loop.js';

export type { BatchObserver, RunnerLogger, RunnerOptions } from './runner/options.js';
export type { ApplyStats } from './runner/stats.js';

/**
 * Runs projections: holds a lease per projection (one runner at a time writes it), reads
 * the log from the lowest checkpoint of the projections it holds, and applies each batch to
 * each projection in one transaction with its checkpoint. An event that makes a projection
 * throw marks it faulted (the others go on); a restart retries it.
 *
 * Each batch is opened (decrypted) once by `opener` before any projection sees it. A batch
 * holding a PatientErased drops every projection's previous (rollback) tables.
 *
 * The work is split by role under `runner/`: `lease-keeper.ts` (leases and fences),
 * `read-loop.ts` (the catch-up and live loop) and `read-pass.ts` (one pass: pipelining, live
 * batches, checkpoint-only writes, what follows a batch), `batch-writer.ts` (a batch's
 * transactions, faults, lost turns), `idle-checkpoints.ts`, `row-caches.ts`,
 * `deferred-indexes.ts`, `applied-position.ts` and `stats.ts`.
 */
export class ProjectionRunner {
  readonly owner: string;
  private readonly byName: Map<string, Projection>;
  private readonly settings: RunnerSettings;
  private readonly counters = new RunnerStats();
  private readonly applied = new AppliedPosition();
  private readonly leases: LeaseKeeper;
  private readonly loop: ReadLoop;

  constructor(private readonly options: RunnerOptions) {
    this.owner = options.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.byName = new Map(options.projections.map((p) => [p.name, p]));
    const settings = (this.settings = settingsOf(options));
    const { db, store, opener, logger } = options;
    const caches = new RowCaches(db, settings.cacheRows);
    this.leases = new LeaseKeeper(db, this.owner, [...this.byName.keys()], settings.leaseTtlMs, logger, {
      fenceChanged: (name) => caches.drop(name),
      heldChanged: () => this.loop.restart(),
    });
    const writer = new BatchWriter(options, storeHistory(store, opener), caches, this.leases, this.counters);
    this.loop = new ReadLoop({
      db,
      store,
      allNames: [...this.byName.keys()],
      writer,
      idle: new IdleCheckpoints(db, settings.idleCheckpointMs),
      leases: this.leases,
      caches,
      indexes: new DeferredIndexes(db, settings.concurrent),
      applied: this.applied,
      batchSize: settings.batchSize,
      concurrent: settings.concurrent,
      byName: this.byName,
      opener,
      stats: this.counters,
      logger,
      settings,
    });
  }

  /**
   * The position up to which this runner has applied every event to every projection it
   * holds and runs (`null`: none yet in this process). Read-your-writes fast path and the
   * live-lag benchmark; a projection held by another process is not covered.
   */
  appliedThrough(): Position | null {
    return this.applied.through();
  }

  /** The fingerprint the running code gives each projection. */
  fingerprint(name: string): string {
    return fingerprintOf(this.byName.get(name)!, this.options.configTexts);
  }

  /** Creates engine and projection tables, clears old faults (a restart retries), starts work. */
  async start(): Promise<void> {
    const { db, projections } = this.options;
    await migrateEngine(db);
    for (const p of projections) await registerProjection(db, p, this.fingerprint(p.name));
    await clearFaults(
      db,
      projections.map((p) => p.name),
    );
    await this.leases.start(this.settings.leaseRenewMs);
    this.loop.start();
  }

  /** Stops and gives the leases back so another instance takes over at once. */
  async stop(): Promise<void> {
    await this.halt();
    await this.leases.release().catch(() => undefined);
  }

  /** Stops without giving the leases back, as a crash would (tests). */
  async halt(): Promise<void> {
    this.leases.stop();
    await this.loop.halt();
  }

  /** Per projection: batches and events applied by this runner, and the wall time spent (loads, fold, write transaction). */
  stats(): Record<string, ApplyStats> {
    return this.counters.byProjection();
  }

  /** Batches and events this runner opened (decrypted) and the wall time it took: once per batch, shared by every projection. */
  openingStats(): ApplyStats {
    return this.counters.openingStats();
  }

  /** Projections this runner holds now. */
  heldProjections(): string[] {
    return [...this.leases.held.keys()];
  }

  /** Called after every applied batch (read-your-writes waiters listen). */
  onProgress(listener: () => void): () => void {
    return this.applied.listen(listener);
  }
}
