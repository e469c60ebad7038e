import type { Kysely, RawBuilder } from 'kysely';
import { StreamNotFound, type EventStore, type StoredEvent } from '../event-store/index.js';
import type { EventOpener, OpenedEvent } from './open-events.js';
import { toProjectedEvent, type Projection, type ProjectionContext } from './projection.js';
import { RowCache } from './row-cache.js';
import { SqlBatchIO, type HistoryReader } from './sql-io.js';
import { commitAsync } from './write-transaction.js';

export type ApplyOptions = {
  db: Kysely<unknown>;
  /** where the projection's tables are: the live schema, or a rebuild's shadow */
  schema: string;
  projection: Projection;
  context: ProjectionContext;
  /** rows known from earlier batches; cleared when anything fails */
  cache: RowCache;
  history: HistoryReader;
  /** the write transaction's first statement (the checkpoint's compare-and-set, `advanceCheckpointsStatement`) */
  checkpoint?: RawBuilder<unknown>;
};

/**
 * Applies one batch to a projection: `apply` loads what it needs (outside any transaction:
 * with PGlite the event store shares the one connection) and folds; then ONE transaction runs
 * the `checkpoint` statement and writes the rows, committed asynchronously, in one round trip on
 * the server (`commitAsync`). Only after the commit does the cache learn the new rows; on any
 * error it is cleared, so a retry starts from the database.
 */
export async function applyBatch(events: readonly OpenedEvent[], options: ApplyOptions): Promise<void> {
  const io = new SqlBatchIO(options.db, options.schema, options.cache, options.history);
  try {
    await options.projection.apply(events.map(toProjectedEvent), io, options.context);
    // Read tables are derived data: a commit need not wait for its WAL flush (see write-transaction.ts).
    await commitAsync(options.db, options.checkpoint ? [options.checkpoint, ...io.statements()] : io.statements());
    io.committed();
  } catch (error) {
    options.cache.clear();
    throw error;
  }
}

/**
 * Applies one batch to several projections in ONE transaction (live traffic): each `apply`
 * loads and folds as in `applyBatch`, then one transaction runs the `checkpoint` statement (every
 * projection's) and writes every projection's rows — one transaction, one round trip on the
 * server, for the batch instead of one per projection. All or nothing: on any error nothing is written and every
 * projection's cache is cleared; the caller then applies them one by one, which isolates a
 * faulting event or a lost turn to its own projection.
 */
export async function applyBatchTogether(
  db: Kysely<unknown>,
  parts: readonly { events: readonly OpenedEvent[]; options: Omit<ApplyOptions, 'checkpoint'> }[],
  /** the write transaction's first statement (every checkpoint's compare-and-set) */
  checkpoint: RawBuilder<unknown>,
): Promise<void> {
  const ios = parts.map(({ options }) => new SqlBatchIO(options.db, options.schema, options.cache, options.history));
  try {
    for (const [i, { events, options }] of parts.entries())
      await options.projection.apply(events.map(toProjectedEvent), ios[i]!, options.context);
    // asynchronous commit, as in applyBatch: rows and checkpoints are lost or kept together
    await commitAsync(db, [checkpoint, ...ios.flatMap((io) => io.statements())]);
    for (const io of ios) io.committed();
  } catch (error) {
    for (const { options } of parts) options.cache.clear();
    throw error;
  }
}

/**
 * The history a projection may re-read (`ProjectionIO.history`) from the event store: the
 * stream's events of the given types up to a position, optionally only those a replay
 * selected (an as-of replay must not see later events), opened like every batch.
 */
export function storeHistory(
  store: EventStore,
  opener: EventOpener,
  select?: (event: StoredEvent) => boolean,
): HistoryReader {
  return async (streamId, types, upTo) => {
    let events: StoredEvent[];
    try {
      events = await store.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
    const chosen = events.filter(
      (e) => e.position <= upTo && types.includes(e.type) && (select === undefined || select(e)),
    );
    return (await opener.open(chosen)).map(toProjectedEvent);
  };
}

export { RowCache };
