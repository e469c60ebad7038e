import { sql, type Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/index.js';
import { checkSchema, ENGINE_SCHEMA, LIVE_SCHEMA, shadowSchema, verifySchema } from '../engine-schema.js';
import type { Projection, ProjectionContext } from '../projection.js';
import { applyBatch, storeHistory } from '../apply-batch.js';
import { compareSchemas, tablesThatDiffer, type TableDifference } from './compare.js';
import { claimRebuild, loadRebuild, saveProgress, type RebuildProgress } from './rebuild-state.js';
import { createIndexes, createProjectionSchema, pagesOf, replayInto } from './replay.js';
import { swapBack, swapIn } from './swap.js';
import { RebuildInProgress, UnknownProjection } from '../errors.js';
import type { EventOpener, OpenedEvent } from '../open-events.js';
import { describeFault } from '../fault.js';

type Logger = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

export type ProjectionAdminOptions = {
  db: Kysely<unknown>;
  store: EventStore;
  projections: readonly Projection[];
  context: ProjectionContext;
  /** decrypts the replayed events, as the runner does */
  opener: EventOpener;
  fingerprintOf: (name: string) => string;
  /** this process, as in the rebuild's row */
  owner: string;
  logger: Logger;
  /** events per rebuild transaction of the shadow (the verify fold takes 3/5 of it, plus one); default 10,000 */
  batchSize?: number;
  /** a rebuild silent this long is dead (its process was killed); default 15 s */
  heartbeatTimeoutMs?: number;
};

/** Test seams for the rebuild (never set in production). */
export type RebuildHooks = {
  /** after the shadow is built and before verification (a test corrupts a shadow row here) */
  afterBuild?: (shadowSchema: string) => Promise<void>;
  /** after each shadow batch (a test stalls or fails a rebuild here) */
  afterBatch?: (processed: number) => Promise<void>;
};
/** The outcome of a verification: the rows that differ from an independent replay. */
export type VerifyReport = { name: string; position: string | null; matches: boolean; differences: TableDifference[] };

/**
 * Rebuild, verify and rollback of projections (SPEC §6). A rebuild builds the rows in a shadow
 * schema from position 0 while the live tables keep serving, verifies them against an
 * independent replay, and only then swaps them in, in one transaction.
 */
export class ProjectionAdmin {
  private readonly byName: Map<string, Projection>;
  private readonly tasks = new Map<string, Promise<void>>();

  constructor(private readonly options: ProjectionAdminOptions) {
    this.byName = new Map(options.projections.map((p) => [p.name, p]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Starts a rebuild in the background; resolves once it is claimed. */
  async startRebuild(name: string, hooks: RebuildHooks = {}): Promise<RebuildProgress> {
    const projection = this.projection(name);
    if (!(await claimRebuild(this.options.db, name, this.options.owner, this.options.heartbeatTimeoutMs)))
      throw new RebuildInProgress(name);
    const task = this.rebuild(projection, hooks).catch(async (error: unknown) => {
      this.options.logger.error({ projection: name, err: describeFault(error) }, 'rebuild failed');
      await saveProgress(this.options.db, name, this.options.owner, {
        state: 'failed',
        error: describeFault(error),
        finished: true,
      }).catch(() => undefined);
      await this.dropScratch(name).catch(() => undefined);
    });
    this.tasks.set(name, task);
    return (await this.progress(name))!;
  }

  /** Resolves when this process's rebuild of `name` has ended (tests, CLI). */
  async settled(name: string): Promise<void> {
    await this.tasks.get(name);
  }

  /** The latest rebuild's progress, or null if there was none. */
  async progress(name: string): Promise<RebuildProgress | null> {
    this.projection(name);
    const row = await loadRebuild(this.options.db, name, this.options.heartbeatTimeoutMs);
    if (!row) return null;
    const { previousPosition: _p, previousFingerprint: _f, ...progress } = row;
    return progress;
  }

  /** Replays the history and reports every row that differs from the live table; changes nothing. */
  async verify(name: string): Promise<VerifyReport> {
    const projection = this.projection(name);
    const { db, store, context } = this.options;
    const scratch = checkSchema(name);
    const cache = await createProjectionSchema(db, scratch, projection, { indexes: false, unlogged: true });
    try {
      let replayed: 'start' | Position = 'start';
      for (let attempt = 0; attempt < 50; attempt++) {
        // Replay (outside any transaction: the store may share this database's one connection)
        // exactly up to the live checkpoint, then compare while holding it still.
        const live = await livePosition(db, name);
        if (live !== null)
          replayed = await replayInto(db, store, projection, context, scratch, {
            from: replayed,
            upTo: live,
            batchSize: this.batchSize,
            cache,
            opener: this.options.opener,
          });
        const target = live;
        const report = await db.transaction().execute(async (trx) => {
          const { rows } = await sql<{
            position: string | null;
          }>`SELECT position::text AS position FROM ${sql.id(ENGINE_SCHEMA, 'checkpoints')}
            WHERE name = ${name} FOR UPDATE`.execute(trx);
          const now = rows[0]?.position ?? null;
          if (now !== (target === null ? null : target.toString())) return null; // moved on: replay further
          const differ = await tablesThatDiffer(trx, LIVE_SCHEMA, scratch, projection.tableNames);
          const differences =
            differ.length === 0
              ? []
              : await compareSchemas(
                  trx,
                  LIVE_SCHEMA,
                  scratch,
                  projection.tableDefs.filter((t) => differ.includes(t.name)),
                );
          return { name, position: now, matches: differences.length === 0, differences };
        });
        if (report) return report;
      }
      throw new Error(`projection ${name} kept moving; retry the verification`);
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(scratch)} CASCADE`.execute(db);
    }
  }

  /** Swaps the previous tables back in (one transaction); the runner catches them up. */
  async rollback(name: string): Promise<{ name: string; position: string | null; fingerprint: string }> {
    const projection = this.projection(name);
    const running = await loadRebuild(this.options.db, name, this.options.heartbeatTimeoutMs);
    if (running && ['building', 'verifying', 'swapping'].includes(running.state)) throw new RebuildInProgress(name);
    const result = await swapBack(this.options.db, projection);
    await saveProgressAnyOwner(this.options.db, name, 'rolled_back');
    return { name, ...result };
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 10_000;
  }

  private projection(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) throw new UnknownProjection(name);
    return projection;
  }

  /**
   * Build and verify in ONE pass over the log: every page read feeds two folds of the projection
   * — the shadow, and an independent one into a verify schema with other batch boundaries — on
   * their own connections, into tables without secondary indexes. Then the two are compared by
   * per-table checksums (and row by row only where they differ, to explain it), the shadow gets
   * its indexes, and it is caught up and swapped in.
   */
  private async rebuild(projection: Projection, hooks: RebuildHooks): Promise<void> {
    const { db, store, context, owner } = this.options;
    const name = projection.name;
    const shadow = shadowSchema(name);
    const verify = verifySchema(name);
    const total = await store.countEvents({ after: 'start', eventTypes: projection.eventTypes });
    const shadowCache = await createProjectionSchema(db, shadow, projection, { indexes: false });
    const verifyCache = await createProjectionSchema(db, verify, projection, { indexes: false, unlogged: true });
    await saveProgress(db, name, owner, { total, processed: 0 });
    const started = Date.now();
    let processed = 0;
    let lastSave = 0;
    const beat = async (state?: 'verifying') => {
      if (state === undefined && Date.now() - lastSave < 500) return;
      lastSave = Date.now();
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? processed / seconds : null;
      const grown = Math.max(total, processed);
      await saveProgress(db, name, owner, {
        ...(state ? { state } : {}),
        processed,
        total: grown,
        eventsPerSecond: rate,
        etaSeconds: state ? 0 : rate ? (grown - processed) / rate : null,
      });
    };
    const history = storeHistory(store, this.options.opener);
    const main = new BatchFeeder(this.batchSize, (events) =>
      applyBatch(events, { db, schema: shadow, projection, context, cache: shadowCache, history }),
    );
    // Other transaction boundaries: about 3/5 of the batch size, never a divisor of it.
    const other = new BatchFeeder(Math.max(1, Math.floor((this.batchSize * 3) / 5) + 1), (events) =>
      applyBatch(events, { db, schema: verify, projection, context, cache: verifyCache, history }),
    );
    let position: 'start' | Position = 'start';
    try {
      for await (const page of pagesOf(store, projection.eventTypes, 'start', Math.min(5000, this.batchSize))) {
        const opened = await this.options.opener.open(page);
        await Promise.all([main.add(opened), other.add(opened)]);
        processed += page.length;
        position = page[page.length - 1]!.position;
        await beat();
        await hooks.afterBatch?.(processed);
      }
      await Promise.all([main.end(), other.end()]);
    } catch (error) {
      // No transaction of either fold may outlive the build (the scratch schemas are dropped next).
      await Promise.allSettled([main.settled(), other.settled()]);
      throw error;
    }
    await hooks.afterBuild?.(shadow);

    await beat('verifying');
    const differ = await tablesThatDiffer(db, shadow, verify, projection.tableNames);
    const differences =
      differ.length === 0
        ? []
        : await compareSchemas(
            db,
            shadow,
            verify,
            projection.tableDefs.filter((t) => differ.includes(t.name)),
          );
    await sql`DROP SCHEMA ${sql.id(verify)} CASCADE`.execute(db);
    if (differences.length > 0) {
      await saveProgress(db, name, owner, {
        state: 'failed',
        differences,
        error: 'verification failed: the shadow differs from an independent replay; the live tables were kept',
        finished: true,
      });
      await sql`DROP SCHEMA IF EXISTS ${sql.id(shadow)} CASCADE`.execute(db);
      return;
    }
    await createIndexes(db, shadow, projection);
    await beat('verifying');

    await saveProgress(db, name, owner, { state: 'swapping' });
    position = await swapIn(
      db,
      store,
      projection,
      context,
      position,
      this.options.fingerprintOf(name),
      this.batchSize,
      this.options.opener,
      shadowCache,
    );
    const seconds = (Date.now() - started) / 1000;
    await saveProgress(db, name, owner, {
      state: 'swapped',
      processed,
      eventsPerSecond: seconds > 0 ? processed / seconds : null,
      etaSeconds: 0,
      position: position === 'start' ? null : position.toString(),
      differences: [],
      finished: true,
    });
    this.options.logger.info({ projection: name, processed, seconds }, 'projection rebuilt and swapped in');
  }

  private async dropScratch(name: string): Promise<void> {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(shadowSchema(name))} CASCADE`.execute(this.options.db);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(verifySchema(name))} CASCADE`.execute(this.options.db);
  }
}

/**
 * Collects events into batches of `size` and applies each; `end` applies the rest. A full
 * batch is applied in the background while the next one fills: the two folds of a rebuild then
 * overlap (one folds in Node while PostgreSQL writes the other's rows) instead of taking turns,
 * since each flushes at other pages. Batches of one feeder still apply one after the other, in
 * order. Memory: at most two batches per feeder (one applying, one filling).
 */
class BatchFeeder {
  private pending: OpenedEvent[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly size: number,
    private readonly apply: (events: OpenedEvent[]) => Promise<void>,
  ) {}

  async add(events: readonly OpenedEvent[]): Promise<void> {
    for (const event of events) {
      this.pending.push(event);
      if (this.pending.length >= this.size) await this.flush();
    }
  }

  /** Applies what is left and waits for every batch. */
  async end(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
    await this.running;
    this.running = null;
  }

  /** Waits for the batch being applied, if any, whatever its outcome. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Waits for the previous batch (its error surfaces here), then starts this one in the background. */
  private async flush(): Promise<void> {
    await this.running;
    const batch = this.pending;
    this.pending = [];
    const running = this.apply(batch);
    // Observed later (next flush, end, settled); mark it handled so a failure is not "unhandled" meanwhile.
    running.catch(() => undefined);
    this.running = running;
  }
}
async function livePosition(db: Kysely<unknown>, name: string): Promise<Position | null> {
  const { rows } = await sql<{
    position: string | null;
  }>`SELECT position::text AS position FROM ${sql.id(ENGINE_SCHEMA, 'checkpoints')}
    WHERE name = ${name}`.execute(db);
  return rows[0]?.position ? BigInt(rows[0].position) : null;
}

async function saveProgressAnyOwner(db: Kysely<unknown>, name: string, state: string): Promise<void> {
  await sql`UPDATE ${sql.id(ENGINE_SCHEMA, 'rebuilds')} SET state = ${state}, finished_at = now() WHERE name = ${name}`.execute(
    db,
  );
}
