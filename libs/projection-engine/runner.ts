import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventStore, Position, StoredEvent, Subscription } from '../event-store/index.js';
import { isConnectionError } from '../read-store/connection-errors.js';
import { inSchema } from './apply-in-schema.js';
import { batchesOf } from './batches.js';
import { advanceCheckpoint, clearFaults, faultedNames, loadPositions, LostTurn, markFaulted, registerProjection } from './checkpoints.js';
import { LIVE_SCHEMA, migrateEngine } from './engine-schema.js';
import { fingerprintOf, type ConfigTexts } from './fingerprint.js';
import { acquireLeases, releaseLeases } from './leases.js';
import type { Projection, ProjectionContext } from './projection.js';

type Logger = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

export type RunnerOptions = {
  db: Kysely<unknown>;
  store: EventStore;
  projections: readonly Projection[];
  context: ProjectionContext;
  configTexts: ConfigTexts;
  logger: Logger;
  /** unique per process; default host-pid-random */
  owner?: string;
  /** how long a lease lives without renewal (another instance takes over after it); default 10 s */
  leaseTtlMs?: number;
  /** how often leases are renewed or sought; default 2 s */
  leaseRenewMs?: number;
  /** most events per batch; default 1000 */
  batchSize?: number;
  /**
   * Least time between two checkpoint-only writes of a projection (a store checkpoint past
   * events it does not handle); default 5 s. They spare a restart from rescanning the log.
   */
  idleCheckpointMs?: number;
};

/**
 * Runs projections: holds a lease per projection (one runner at a time writes it), reads
 * the log from the lowest checkpoint of the projections it holds, and applies each batch to
 * each projection in one transaction with its checkpoint. An event that makes a projection
 * throw marks it faulted (the others go on); a restart retries it.
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
  /** bumped whenever the set of projections to read changes */
  private generation = 0;

  constructor(private readonly options: RunnerOptions) {
    this.owner = options.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.byName = new Map(options.projections.map((p) => [p.name, p]));
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
    await clearFaults(db, projections.map((p) => p.name));
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
      const now = await acquireLeases(this.options.db, this.owner, [...this.byName.keys()], this.options.leaseTtlMs ?? 10_000);
      const changed = now.size !== this.held.size || [...now].some(([name, fence]) => this.held.get(name) !== fence);
      this.held = now;
      if (changed) this.restartReading();
    } catch (error) {
      this.options.logger.warn({ err: String(error) }, 'projection lease renewal failed');
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
        this.options.logger.error({ err: String(error) }, 'projection runner failed; retrying');
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
    const from = lowest([...active.keys()].map((name) => positions.get(name) ?? null));
    const eventTypes = [...new Set(projections.flatMap((p) => p.eventTypes))];
    const subscription = store.subscribeToAllWithCheckpoints({ fromPosition: from ?? 'start', eventTypes });
    this.subscription = subscription;
    // A stop or a lease change that came while this was being set up must end it too.
    if (this.stopped || generation !== this.generation) void subscription.close();
    try {
      for await (const batch of batchesOf(subscription, this.options.batchSize ?? 1000)) {
        for (const projection of projections) {
          if (!active.has(projection.name)) continue;
          const previous = positions.get(projection.name) ?? null;
          const events = batch.events.filter((e) => (previous === null || e.position > previous) && projection.eventTypes.includes(e.type));
          if (events.length > 0) {
            const outcome = await this.applyBatch(projection, active.get(projection.name)!, previous, events);
            if (outcome.kind === 'applied') positions.set(projection.name, outcome.position);
            else active.delete(projection.name);
          }
          const at = positions.get(projection.name) ?? null;
          if (batch.checkpoint !== null && active.has(projection.name) && (at === null || batch.checkpoint > at)) {
            if (await this.advanceIdle(projection.name, active.get(projection.name)!, at, batch.checkpoint)) positions.set(projection.name, batch.checkpoint);
            else if (!this.held.has(projection.name)) active.delete(projection.name);
          }
        }
        this.progressListeners.forEach((listener) => listener());
        if (active.size === 0 || this.stopped) break;
      }
    } finally {
      await subscription.close();
      if (this.subscription === subscription) this.subscription = null;
    }
  }

  private async applyBatch(
    projection: Projection,
    fence: bigint,
    previous: Position | null,
    events: StoredEvent[],
  ): Promise<{ kind: 'applied'; position: Position } | { kind: 'stopped' }> {
    try {
      await this.commit(projection, fence, previous, events);
      return { kind: 'applied', position: events[events.length - 1]!.position };
    } catch (error) {
      if (error instanceof LostTurn) return this.lostTurn(projection);
      // A lost database is no fault of the events: the run loop retries the batch once it is back.
      if (isConnectionError(error)) throw error;
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
          this.options.logger.error({ projection: projection.name, eventId: event.id, err: String(single) }, 'projection faulted');
          return { kind: 'stopped' };
        }
      }
      return { kind: 'applied', position: position! };
    }
  }

  private async commit(projection: Projection, fence: bigint, previous: Position | null, events: StoredEvent[]): Promise<void> {
    await inSchema(this.options.db, LIVE_SCHEMA, async (trx) => {
      await advanceCheckpoint(trx, projection.name, fence, previous, events[events.length - 1]!.position);
      await projection.apply(events, trx, this.options.context);
    });
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
        return false;
      }
      throw error;
    }
  }

  private lostTurn(projection: Projection): { kind: 'stopped' } {
    this.held.delete(projection.name);
    this.options.logger.warn({ projection: projection.name }, 'projection taken over by another runner');
    return { kind: 'stopped' };
  }
}

function lowest(positions: (Position | null)[]): Position | null {
  if (positions.some((p) => p === null)) return null;
  return (positions as Position[]).reduce((a, b) => (a < b ? a : b));
}
