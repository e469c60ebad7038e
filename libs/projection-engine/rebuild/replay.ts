import { sql, type Kysely } from 'kysely';
import type { EventStore, Position, StoredEvent } from '../../event-store/index.js';
import { inSchema } from '../apply-in-schema.js';
import { applyBatch, storeHistory } from '../apply-batch.js';
import { prefetch } from '../batches.js';
import type { Projection, ProjectionContext } from '../projection.js';
import type { EventOpener } from '../open-events.js';
import { RowCache } from '../row-cache.js';
import { createIndexesSql, createTableSql } from '../table.js';

/**
 * Drops and recreates `schema` holding the projection's empty tables, with their primary keys;
 * secondary indexes only with `indexes: true` (a bulk load builds them after the rows are in:
 * `createIndexes`). `unlogged`: tables that are only compared, then dropped, skip the WAL.
 * Returns a row cache that knows the tables are empty.
 */
export async function createProjectionSchema(
  db: Kysely<unknown>,
  schema: string,
  projection: Projection,
  options: { indexes?: boolean; unlogged?: boolean } = {},
): Promise<RowCache> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
  await inSchema(db, schema, async (trx) => {
    for (const table of projection.tableDefs) {
      const ddl = createTableSql(table);
      await sql.raw(options.unlogged ? ddl.replace(/^CREATE TABLE /, 'CREATE UNLOGGED TABLE ') : ddl).execute(trx);
      if (options.indexes ?? true) for (const ddl of createIndexesSql(table)) await sql.raw(ddl).execute(trx);
    }
  });
  const cache = new RowCache(CACHE_ROWS);
  cache.markComplete(projection.tableNames);
  return cache;
}

/** Builds the secondary indexes of a projection's tables in `schema` (after a bulk load), then ANALYZE. */
export async function createIndexes(db: Kysely<unknown>, schema: string, projection: Projection): Promise<void> {
  await inSchema(db, schema, async (trx) => {
    for (const table of projection.tableDefs)
      for (const ddl of createIndexesSql(table)) await sql.raw(ddl).execute(trx);
  });
  for (const table of projection.tableDefs) await sql`ANALYZE ${sql.id(schema, table.name)}`.execute(db);
}

/** Rows a replay's cache keeps (it bounds the replaying process's memory). */
export const CACHE_ROWS = 100_000;

export type ReplayOptions = {
  /** decrypts each page before the projection sees it (the runner's step) */
  opener: EventOpener;
  /** exclusive start; `start` for the whole history */
  from: 'start' | Position;
  /** inclusive end; default: whatever the log holds when each page is read */
  upTo?: Position;
  /** events per transaction */
  batchSize: number;
  /** the tables' row cache (from `createProjectionSchema`, or kept from an earlier replay into the same schema) */
  cache?: RowCache;
  /** after each committed batch: events in it and its last position */
  onBatch?: (events: number, position: Position) => Promise<void> | void;
  /** stop between batches when it returns true */
  cancelled?: () => boolean;
};

/**
 * Feeds the projection's events into its tables in `schema`, batch by batch, each batch in
 * one transaction, reading the next page while the current batch applies. Returns the
 * position of the last event applied (or `from`).
 */
export async function replayInto(
  db: Kysely<unknown>,
  store: EventStore,
  projection: Projection,
  context: ProjectionContext,
  schema: string,
  options: ReplayOptions,
): Promise<'start' | Position> {
  const cache = options.cache ?? new RowCache(CACHE_ROWS);
  const history = storeHistory(store, options.opener);
  let position = options.from;
  for await (const events of pagesOf(store, projection.eventTypes, options.from, options.batchSize, options.upTo)) {
    if (options.cancelled?.()) return position;
    await applyBatch(await options.opener.open(events), { db, schema, projection, context, cache, history });
    position = events[events.length - 1]!.position;
    await options.onBatch?.(events.length, position);
  }
  return position;
}

/**
 * The log's events of some types in pages of `pageSize` from `from` (exclusive) up to `upTo`
 * (inclusive, when given), the next page read while the caller works on the current one.
 */
export function pagesOf(
  store: EventStore,
  eventTypes: readonly string[],
  from: 'start' | Position,
  pageSize: number,
  upTo?: Position,
): AsyncIterable<StoredEvent[]> {
  async function* pages(): AsyncGenerator<StoredEvent[]> {
    let position = from;
    for (;;) {
      const page = await store.readAll({ fromPosition: position, maxCount: pageSize, eventTypes });
      const events = upTo === undefined ? page : page.filter((e) => e.position <= upTo);
      if (events.length > 0) yield events;
      if (events.length < page.length || page.length < pageSize) return;
      position = page[page.length - 1]!.position;
    }
  }
  return prefetch(pages(), 1);
}
