import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { EventStore, Position, StoredEvent, Subscription, SubscriptionCheckpoint } from '../event-store/index.js';
import { isConnectionError } from '../read-store/connection-errors.js';
import { inSchema } from './apply-in-schema.js';
import { applyBatch, applyBatchTogether, storeHistory, type ApplyOptions } from './apply-batch.js';
import { createIndexesSql } from './table.js';
import { batchesOf, prefetch } from './batches.js';
import { RowCache } from './row-cache.js';
import type { HistoryReader } from './sql-io.js';
import {
  advanceCheckpoint,
  advanceCheckpoints,
  clearFaults,
  faultedNames,
  loadPositions,
  markFaulted,
  registerProjection,
} from './checkpoints.js';
import { LIVE_SCHEMA, migrateEngine } from './engine-schema.js';
import { fingerprintOf, type ConfigTexts } from './fingerprint.js';
import { acquireLeases, releaseLeases } from './leases.js';
import { dropPreviousTables } from './rebuild/swap.js';
import type { Projection, ProjectionContext } from './projection.js';
import { LostTurn } from './errors.js';
import type { EventOpener, OpenedEvent } from './open-events.js';
import { describeFault } from './fault.js';

type Logger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

/**
 * Told of every batch committed to a projection's live tables with its checkpoint (the API's
 * `AppMetrics` implements it: `apps/api/metrics/observers.ts`, `ProjectionMetrics`).
 */
export type BatchObserver = { batchApplied(projection: string, events: number, seconds: number): void };

export type RunnerOptions = {
  db: Kysely<unknown>;
  store: EventStore;
  projections: readonly Projection[];
  context: ProjectionContext;
  configTexts: ConfigTexts;
  logger: Logger;
  /** decrypts each batch once before any projection sees it (`keyStoreOpener(keyStore)`; specs: `plaintextOpener()`) */
  opener: EventOpener;
  /** unique per process; default host-pid-random */
  owner?: string;
  /** how long a lease lives without renewal (another instance takes over after it); default 10 s */
  leaseTtlMs?: number;
  /** how often leases are renewed or sought; default 2 s */
  leaseRenewMs?: number;
  /**
   * most events per batch, i.e. per transaction of each projection; default 10,000. Batches
   * take only what has been read already, so they are this large while catching up and a few
   * events when live.
   */
  batchSize?: number;
  /** events per read of the log while catching up; default 5,000 */
  pageSize?: number;
  /** rows each projection's cache keeps across batches; default 20,000 */
  cacheRows?: number;
  /** apply the projections of a batch concurrently, each on its own connection (default: true on the server, false on PGlite) */
  concurrent?: boolean;
  /** live traffic: least time from one small batch to the next, so events gather; default 20 ms */
  liveBatchIntervalMs?: number;
  /**
   * Least time between two checkpoint-only writes of a projection (a store checkpoint past
   * events it does not handle); default 5 s. They spare a restart from rescanning the log.
   */
  idleCheckpointMs?: number;
  /** told of each batch committed to the live tables (events, seconds); checkpoint-only writes are not batches */
  metrics?: BatchObserver;
};

/**
 * Runs projections: holds a lease per projection (one runner at a time writes it), reads
 * the log from the lowest checkpoint of the projections it holds, and applies each batch to
 * each projection in one transaction with its checkpoint. An event that makes a projection
 * throw marks it faulted (the others go on); a restart retries it.
 *
 * Each batch is opened (decrypted) once by `opener` before any projection sees it. A batch
 * holding a PatientErased drops every projection's previous (rollback) tables.
 */
export class ProjectionRunner {
  readonly owner: string;
  private readonly byName: Map<string, Projection>;
  private held = new Map<string, bigint>();
  private readonly faulted = new Set<string>();
  private stopped = false;
  private subscription: Subscription<unknown> | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private wakeIdle: (() => void) | null = null;
  private readonly progressListeners = new Set<() => void>();
  private readonly caches = new Map<string, RowCache>();
  private readonly applyStats = new Map<string, ApplyStats>();
  private readonly openStats: ApplyStats = { batches: 0, events: 0, seconds: 0 };
  private readonly history: HistoryReader;
  /** every event up to here has been applied to every active projection (in memory; see `appliedThrough`) */
  private applied: Position | null = null;
  /** bumped whenever the set of projections to read changes */
  private generation = 0;

  constructor(private readonly options: RunnerOptions) {
    this.owner = options.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.byName = new Map(options.projections.map((p) => [p.name, p]));
    this.history = storeHistory(options.store, options.opener);
  }

  /**
   * The position up to which this runner has applied every event to every projection it
   * holds and runs (`null`: none yet in this process). Read-your-writes fast path and the
   * live-lag benchmark; a projection held by another process is not covered.
   */
  appliedThrough(): Position | null {
    return this.applied;
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
    await this.renewLeases();
    this.leaseTimer = setInterval(() => void this.renewLeases(), this.options.leaseRenewMs ?? 2000);
    this.loop = this.run();
  }

  /** Stops and gives the leases back so another instance takes over at once. */
  async stop(): Promise<void> {
    await this.halt();
    await releaseLeases(this.options.db, this.owner, [...this.byName.keys()]).catch(() => undefined);
  }

  /** Stops without giving the leases back, as a crash would (tests). */
  async halt(): Promise<void> {
    this.stopped = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.wakeIdle?.();
    await this.subscription?.close();
    await this.loop?.catch(() => undefined);
  }

  /** Per projection: batches and events applied by this runner, and the wall time spent (loads, fold, write transaction). */
  stats(): Record<string, ApplyStats> {
    return Object.fromEntries([...this.applyStats].map(([name, s]) => [name, { ...s }]));
  }

  /** Batches and events this runner opened (decrypted) and the wall time it took: once per batch, shared by every projection. */
  openingStats(): ApplyStats {
    return { ...this.openStats };
  }

  /** Projections this runner holds now. */
  heldProjections(): string[] {
    return [...this.held.keys()];
  }

  /** Called after every applied batch (read-your-writes waiters listen). */
  onProgress(listener: () => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  private async renewLeases(): Promise<void> {
    if (this.stopped) return;
    try {
      const now = await acquireLeases(
        this.options.db,
        this.owner,
        [...this.byName.keys()],
        this.options.leaseTtlMs ?? 10_000,
      );
      const changed = now.size !== this.held.size || [...now].some(([name, fence]) => this.held.get(name) !== fence);
      // A lease lost or taken anew: another runner may have written meanwhile.
      for (const name of this.byName.keys()) if (now.get(name) !== this.held.get(name)) this.caches.delete(name);
      this.held = now;
      if (changed) this.restartReading();
    } catch (error) {
      this.options.logger.warn({ err: describeFault(error) }, 'projection lease renewal failed');
    }
  }

  /** Ends the current subscription so the loop starts again with the projections now held. */
  private restartReading(): void {
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
        this.options.logger.error({ err: describeFault(error) }, 'projection runner failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async runOnce(): Promise<void> {
    const { db, store } = this.options;
    const generation = this.generation;
    const dbFaulted = await faultedNames(db, [...this.held.keys()]);
    const active = new Map([...this.held].filter(([name]) => !this.faulted.has(name) && !dbFaulted.has(name)));
    if (active.size === 0) {
      await new Promise<void>((resolve) => {
        this.wakeIdle = resolve;
        setTimeout(resolve, 1000);
      });
      return;
    }
    const positions = await loadPositions(db, [...active.keys()]);
    const projections = [...active.keys()].map((name) => this.byName.get(name)!);
    await this.prepareCaches(projections, positions);
    const from = lowest([...active.keys()].map((name) => positions.get(name) ?? null));
    const eventTypes = [...new Set(projections.flatMap((p) => p.eventTypes))];
    const batchSize = this.options.batchSize ?? 10_000;
    const liveBatchIntervalMs = this.options.liveBatchIntervalMs ?? 20;
    // Live, the log is read at the batches' rhythm: one read per interval, not one per append.
    const subscription = store.subscribeToAllWithCheckpoints({
      fromPosition: from ?? 'start',
      eventTypes,
      pageSize: this.options.pageSize ?? 5000,
      liveReadIntervalMs: liveBatchIntervalMs,
    });
    this.subscription = subscription;
    this.applied = null;
    // A stop or a lease change that came while this was being set up must end it too.
    if (this.stopped || generation !== this.generation) void subscription.close();
    const concurrent = this.options.concurrent ?? true;
    /** catch-up batches applied or being applied, oldest first; each resolves once every projection has it */
    const inFlight: Promise<void>[] = [];
    /** per projection, the last batch it was given: the next one starts after it */
    const tails = new Map<string, Promise<void>>();
    try {
      for await (const batch of batchesOf(
        prefetch<StoredEvent | SubscriptionCheckpoint>(subscription, Math.max(1, Math.floor(batchSize / 2))),
        batchSize,
      )) {
        const batchStarted = performance.now();
        const opened = await this.open(batch.events);
        const eventsFor = (projection: Projection) => {
          const previous = positions.get(projection.name) ?? null;
          return active.has(projection.name)
            ? opened.filter(
                (e) => (previous === null || e.position > previous) && projection.eventTypes.includes(e.type),
              )
            : [];
        };
        const one = async (projection: Projection) => {
          if (!active.has(projection.name)) return;
          const previous = positions.get(projection.name) ?? null;
          const events = eventsFor(projection);
          if (events.length > 0) {
            const outcome = await this.applyBatch(projection, active.get(projection.name)!, previous, events);
            if (outcome.kind === 'applied') positions.set(projection.name, outcome.position);
            else active.delete(projection.name);
          }
          await checkpointOnly(projection);
        };
        const checkpointOnly = async (projection: Projection) => {
          const at = positions.get(projection.name) ?? null;
          if (batch.checkpoint !== null && active.has(projection.name) && (at === null || batch.checkpoint > at)) {
            if (await this.advanceIdle(projection.name, active.get(projection.name)!, at, batch.checkpoint))
              positions.set(projection.name, batch.checkpoint);
            else if (!this.held.has(projection.name)) active.delete(projection.name);
          }
        };
        const end = batch.events.at(-1)?.position ?? batch.checkpoint;
        /** What follows a batch once every projection has it: erasures, indexes at the head, progress. */
        const settle = async () => {
          // An erasure applied: the rollback tables may hold the patient's personal fields (SPEC §9).
          if (opened.some((e) => e.type === 'PatientErased')) await dropPreviousTables(db, [...this.byName.keys()]);
          if (
            this.indexesPending.size > 0 &&
            batch.events.length < batchSize &&
            end !== null &&
            end >= ((await store.headPosition()) ?? 0n)
          ) {
            await this.buildPendingIndexes(projections.filter((p) => active.has(p.name)));
          }
          if (end !== null && active.size === projections.length) this.applied = end;
          this.progressListeners.forEach((listener) => listener());
        };
        if (concurrent && batch.events.length >= LIVE_BATCH) {
          // Catching up: each projection takes this batch as soon as it is done with the previous
          // one, on its own connection, without waiting for the others (no barrier per batch:
          // while the slowest projection's rows are still being written, Node already folds the
          // next batch for the rest). At most PIPELINE batches are in flight; their completions
          // (`settle`) run in order.
          const work = projections.map((projection) => {
            const next = (tails.get(projection.name) ?? Promise.resolve()).then(() => one(projection));
            tails.set(projection.name, next);
            return next;
          });
          const completion = Promise.all([inFlight.at(-1), ...work]).then(settle);
          completion.catch(() => undefined); // awaited below (or settled in `finally`)
          inFlight.push(completion);
          while (inFlight.length >= PIPELINE) await inFlight.shift();
          if (active.size === 0 || this.stopped) break;
          continue;
        }
        // Live traffic, after whatever a catch-up still has in flight. A small live batch holds one
        // pool connection, so the commands keep the rest, and goes in one transaction for all its
        // projections (one BEGIN/COMMIT per batch, not per projection); if that fails, one
        // projection after the other, which finds the faulting event or the lost turn.
        while (inFlight.length > 0) await inFlight.shift();
        if (
          batch.events.length < LIVE_BATCH &&
          (await this.applyTogether(
            projections.map((p) => ({ projection: p, events: eventsFor(p) })),
            active,
            positions,
          ))
        ) {
          for (const projection of projections) await checkpointOnly(projection);
        } else for (const projection of projections) await one(projection);
        await settle();
        if (active.size === 0 || this.stopped) break;
        // Live traffic: let events gather for a few ms (read ahead meanwhile) rather than paying
        // a transaction per projection for every single event.
        const linger = liveBatchIntervalMs - (performance.now() - batchStarted);
        if (batch.events.length < LIVE_BATCH && linger > 0) await new Promise((resolve) => setTimeout(resolve, linger));
      }
      while (inFlight.length > 0) await inFlight.shift();
    } finally {
      // No transaction of this run may outlive it (a retry or another subscription starts next).
      await Promise.allSettled([...inFlight, ...tails.values()]);
      await subscription.close();
      if (this.subscription === subscription) this.subscription = null;
    }
  }

  /** The batch's events decrypted, once for every projection (timed for `openingStats`). */
  private async open(events: readonly StoredEvent[]): Promise<OpenedEvent[]> {
    if (events.length === 0) return [];
    const started = performance.now();
    try {
      return await this.options.opener.open(events);
    } finally {
      this.openStats.batches += 1;
      this.openStats.events += events.length;
      this.openStats.seconds += (performance.now() - started) / 1000;
    }
  }

  /**
   * Keeps each projection's row cache while this runner holds it; a projection that starts
   * from nothing with empty tables has a complete cache (a miss is a row that does not exist).
   */
  private async prepareCaches(
    projections: readonly Projection[],
    positions: Map<string, Position | null>,
  ): Promise<void> {
    for (const projection of projections) {
      if (this.caches.has(projection.name)) continue;
      const cache = new RowCache(this.options.cacheRows ?? 20_000);
      if (
        (positions.get(projection.name) ?? null) === null &&
        (await emptyTables(this.options.db, projection.tableNames))
      ) {
        cache.markComplete(projection.tableNames);
        await this.deferIndexes(projection);
      }
      this.caches.set(projection.name, cache);
      // After a crash in a catch-up from nothing its indexes may be missing: build them once caught up.
      this.indexesPending.add(projection.name);
    }
  }

  /**
   * A projection that starts from nothing builds its tables as a rebuild does: rows first, the
   * secondary indexes (primary keys stay) once it has caught up with the log, in one sorted pass
   * each instead of an insertion per row. Readers see correct rows meanwhile, only slower.
   */
  private readonly indexesPending = new Set<string>();

  private async deferIndexes(projection: Projection): Promise<void> {
    for (const table of projection.tableDefs) {
      for (const index of table.indexes)
        await sql`DROP INDEX IF EXISTS ${sql.id(LIVE_SCHEMA, index.name)}`.execute(this.options.db);
    }
    this.indexesPending.add(projection.name);
  }

  /**
   * Creates the declared indexes that are missing (after a catch-up from nothing, or a crash in
   * one). On the server two are built at a time, each in its own transaction on its own
   * connection (PostgreSQL builds one index on one core; the runner is idle meanwhile), the
   * largest tables first so the longest builds overlap the rest; each server build may sort in
   * memory up to 256 MB (`maintenance_work_mem`, for that transaction only) instead of spilling the
   * timeline's million keys to disk.
   */
  private async buildPendingIndexes(projections: readonly Projection[]): Promise<void> {
    const pending = projections.filter((p) => this.indexesPending.has(p.name));
    const jobs = pending.flatMap((projection) =>
      projection.tableDefs.flatMap((table) =>
        createIndexesSql(table).map((ddl) => ({
          table: table.name,
          ddl: ddl.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '),
        })),
      ),
    );
    const sizes = await tableSizes(this.options.db, [...new Set(jobs.map((j) => j.table))]);
    jobs.sort((a, b) => (sizes.get(b.table) ?? 0) - (sizes.get(a.table) ?? 0));
    const server = this.options.concurrent ?? true;
    const build = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const { ddl } = job;
        await inSchema(this.options.db, LIVE_SCHEMA, async (trx) => {
          if (server) await sql`SET LOCAL maintenance_work_mem TO '256MB'`.execute(trx);
          await sql.raw(ddl).execute(trx);
        });
      }
    };
    await Promise.all(Array.from({ length: server ? 2 : 1 }, build));
    for (const projection of pending) this.indexesPending.delete(projection.name);
  }

  private cacheOf(name: string): RowCache {
    let cache = this.caches.get(name);
    if (!cache) this.caches.set(name, (cache = new RowCache(this.options.cacheRows ?? 20_000)));
    return cache;
  }

  private async applyBatch(
    projection: Projection,
    fence: bigint,
    previous: Position | null,
    events: OpenedEvent[],
  ): Promise<{ kind: 'applied'; position: Position } | { kind: 'stopped' }> {
    try {
      await this.commit(projection, fence, previous, events);
      return { kind: 'applied', position: events[events.length - 1]!.position };
    } catch (error) {
      if (error instanceof LostTurn) return this.lostTurn(projection);
      // A lost database is no fault of the events: the run loop retries the batch once it is back.
      if (isConnectionError(error)) throw error;
      this.caches.delete(projection.name);
      // Find the event that fails: apply one at a time; those before it commit.
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
  private async applyTogether(
    parts: { projection: Projection; events: OpenedEvent[] }[],
    active: Map<string, bigint>,
    positions: Map<string, Position | null>,
  ): Promise<boolean> {
    const touched = parts.filter((p) => p.events.length > 0);
    if (touched.length < 2) return false;
    const started = performance.now();
    try {
      await applyBatchTogether(
        this.options.db,
        touched.map(({ projection, events }) => ({ events, options: this.applyOptions(projection) })),
        (trx) =>
          advanceCheckpoints(
            trx,
            touched.map(({ projection, events }) => ({
              name: projection.name,
              fence: active.get(projection.name)!,
              previous: positions.get(projection.name) ?? null,
              next: events[events.length - 1]!.position,
            })),
          ),
      );
    } catch (error) {
      if (isConnectionError(error)) throw error;
      return false;
    }
    // each projection is charged an equal share of the transaction's wall time
    const share = (performance.now() - started) / 1000 / touched.length;
    for (const { projection, events } of touched) {
      const stats = this.applyStats.get(projection.name) ?? { batches: 0, events: 0, seconds: 0 };
      this.applyStats.set(projection.name, {
        batches: stats.batches + 1,
        events: stats.events + events.length,
        seconds: stats.seconds + share,
      });
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
    const stats = this.applyStats.get(projection.name) ?? { batches: 0, events: 0, seconds: 0 };
    this.applyStats.set(projection.name, stats);
    stats.batches += 1;
    stats.events += events.length;
    try {
      await this.write(projection, fence, previous, events);
    } finally {
      stats.seconds += (performance.now() - started) / 1000;
    }
    // Only after the commit: a rolled-back batch (lost turn, fault) applied nothing.
    this.options.metrics?.batchApplied(projection.name, events.length, (performance.now() - started) / 1000);
  }

  private async write(
    projection: Projection,
    fence: bigint,
    previous: Position | null,
    events: OpenedEvent[],
  ): Promise<void> {
    await applyBatch(events, {
      ...this.applyOptions(projection),
      inTransaction: (trx) =>
        advanceCheckpoint(trx, projection.name, fence, previous, events[events.length - 1]!.position),
    });
  }

  private applyOptions(projection: Projection): Omit<ApplyOptions, 'inTransaction'> {
    return {
      db: this.options.db,
      schema: LIVE_SCHEMA,
      projection,
      context: this.options.context,
      cache: this.cacheOf(projection.name),
      history: this.history,
    };
  }

  private readonly idleWrites = new Map<string, number>();

  /** Moves a checkpoint past events the projection does not handle (at most every idleCheckpointMs). */
  private async advanceIdle(name: string, fence: bigint, previous: Position | null, next: Position): Promise<boolean> {
    const now = Date.now();
    if (now - (this.idleWrites.get(name) ?? 0) < (this.options.idleCheckpointMs ?? 5000)) return false;
    this.idleWrites.set(name, now);
    try {
      await this.options.db.transaction().execute((trx) => advanceCheckpoint(trx, name, fence, previous, next));
      return true;
    } catch (error) {
      if (error instanceof LostTurn) {
        this.held.delete(name);
        this.caches.delete(name);
        return false;
      }
      throw error;
    }
  }

  private lostTurn(projection: Projection): { kind: 'stopped' } {
    this.held.delete(projection.name);
    this.caches.delete(projection.name);
    this.options.logger.warn({ projection: projection.name }, 'projection taken over by another runner');
    return { kind: 'stopped' };
  }
}

/** Catch-up batches in flight at most (each projection works on one at a time). */
const PIPELINE = 2;

/** Below this many events a batch is live traffic, not a catch-up. */
const LIVE_BATCH = 500;

/** What a runner spent on one projection. */
export type ApplyStats = { batches: number; events: number; seconds: number };

/** True when every table holds no row. */
async function emptyTables(db: Kysely<unknown>, tables: readonly string[]): Promise<boolean> {
  for (const table of tables) {
    const { rows } = await sql<{
      any: boolean;
    }>`SELECT EXISTS (SELECT 1 FROM ${sql.id(LIVE_SCHEMA, table)}) AS any`.execute(db);
    if (rows[0]?.any) return false;
  }
  return true;
}

/** Bytes of each table in the live schema (its heap), to build the largest tables' indexes first. */
async function tableSizes(db: Kysely<unknown>, tables: readonly string[]): Promise<Map<string, number>> {
  if (tables.length === 0) return new Map();
  const { rows } = await sql<{
    name: string;
    bytes: string;
  }>`SELECT t.name, pg_relation_size(format('%I.%I', ${LIVE_SCHEMA}::text, t.name)::regclass)::text AS bytes
    FROM unnest(${[...tables]}::text[]) AS t(name)`.execute(db);
  return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
}

function lowest(positions: (Position | null)[]): Position | null {
  if (positions.some((p) => p === null)) return null;
  return (positions as Position[]).reduce((a, b) => (a < b ? a : b));
}
