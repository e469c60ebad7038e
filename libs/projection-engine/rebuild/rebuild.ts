import { sql, type Kysely } from 'kysely';
import type { Position } from '../../event-store/index.js';
import { shadowSchema, verifySchema } from '../engine-schema.js';
import type { Projection } from '../projection.js';
import { applyBatch, storeHistory } from '../apply-batch.js';
import type { RowCache } from '../row-cache.js';
import { schemaDifferences } from './compare.js';
import { saveProgress } from './rebuild-state.js';
import { createIndexes, createProjectionSchema, pagesOf } from './replay.js';
import { swapIn } from './swap.js';
import { BatchFeeder } from './batch-feeder.js';
import { RebuildClock } from './progress.js';
import { batchSizeOf, type ProjectionAdminOptions } from './admin-options.js';

/** Test seams for the rebuild (never set in production). */
export type RebuildHooks = {
  /** after the shadow is built and before verification (a test corrupts a shadow row here) */
  afterBuild?: (shadowSchema: string) => Promise<void>;
  /** after each shadow batch (a test stalls or fails a rebuild here) */
  afterBatch?: (processed: number) => Promise<void>;
};

/**
 * Build and verify in ONE pass over the log: every page read feeds two folds of the projection
 * — the shadow, and an independent one into a verify schema with other batch boundaries — on
 * their own connections, into tables without secondary indexes. Then the two are compared by
 * per-table checksums (and row by row only where they differ, to explain it), the shadow gets
 * its indexes, and it is caught up and swapped in.
 */
export async function rebuildProjection(
  options: ProjectionAdminOptions,
  projection: Projection,
  hooks: RebuildHooks,
): Promise<void> {
  const { db, store, owner } = options;
  const name = projection.name;
  const shadow = shadowSchema(name);
  const verify = verifySchema(name);
  const total = await store.countEvents({ after: 'start', eventTypes: projection.eventTypes });
  const shadowCache = await createProjectionSchema(db, shadow, projection, { indexes: false });
  const verifyCache = await createProjectionSchema(db, verify, projection, { indexes: false, unlogged: true });
  await saveProgress(db, name, owner, { total, processed: 0 });
  const clock = new RebuildClock(db, name, owner, total);
  const position = await foldTwice(options, projection, { shadow: shadowCache, verify: verifyCache }, clock, hooks);
  await hooks.afterBuild?.(shadow);

  await clock.beat('verifying');
  const differences = await schemaDifferences(db, shadow, verify, projection);
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
  await clock.beat('verifying');

  await saveProgress(db, name, owner, { state: 'swapping' });
  const swapped = await swapIn(
    db,
    store,
    projection,
    options.context,
    position,
    options.fingerprintOf(name),
    batchSizeOf(options),
    options.opener,
    shadowCache,
  );
  const seconds = await clock.swapped(swapped === 'start' ? null : swapped.toString());
  options.logger.info({ projection: name, processed: clock.processed, seconds }, 'projection rebuilt and swapped in');
}

/**
 * Reads the log once and folds every page twice: into the shadow in batches of `batchSize`, and
 * into the verify schema in batches of about 3/5 of it (other transaction boundaries, never a
 * divisor). Returns the position of the last event folded.
 */
async function foldTwice(
  options: ProjectionAdminOptions,
  projection: Projection,
  caches: { shadow: RowCache; verify: RowCache },
  clock: RebuildClock,
  hooks: RebuildHooks,
): Promise<'start' | Position> {
  const { db, store, context, opener } = options;
  const batchSize = batchSizeOf(options);
  const history = storeHistory(store, opener);
  const main = new BatchFeeder(batchSize, (events) =>
    applyBatch(events, {
      db,
      schema: shadowSchema(projection.name),
      projection,
      context,
      cache: caches.shadow,
      history,
    }),
  );
  const other = new BatchFeeder(Math.max(1, Math.floor((batchSize * 3) / 5) + 1), (events) =>
    applyBatch(events, {
      db,
      schema: verifySchema(projection.name),
      projection,
      context,
      cache: caches.verify,
      history,
    }),
  );
  let position: 'start' | Position = 'start';
  try {
    for await (const page of pagesOf(store, projection.eventTypes, 'start', Math.min(5000, batchSize))) {
      const opened = await opener.open(page);
      await Promise.all([main.add(opened), other.add(opened)]);
      clock.add(page.length);
      position = page[page.length - 1]!.position;
      await clock.beat();
      await hooks.afterBatch?.(clock.processed);
    }
    await Promise.all([main.end(), other.end()]);
  } catch (error) {
    // No transaction of either fold may outlive the build (the scratch schemas are dropped next).
    await Promise.allSettled([main.settled(), other.settled()]);
    throw error;
  }
  return position;
}

/** Drops a failed rebuild's shadow and verify schemas. */
export async function dropRebuildSchemas(db: Kysely<unknown>, name: string): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(shadowSchema(name))} CASCADE`.execute(db);
  await sql`DROP SCHEMA IF EXISTS ${sql.id(verifySchema(name))} CASCADE`.execute(db);
}
