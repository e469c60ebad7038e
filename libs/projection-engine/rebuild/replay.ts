import { sql, type Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/index.js';
import { inSchema } from '../apply-in-schema.js';
import type { Projection, ProjectionContext } from '../projection.js';

/** Drops and recreates `schema` holding the projection's empty tables. */
export async function createProjectionSchema(db: Kysely<unknown>, schema: string, projection: Projection): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
  await inSchema(db, schema, async (trx) => {
    for (const ddl of projection.tables) await sql.raw(ddl).execute(trx);
  });
}

export type ReplayOptions = {
  /** exclusive start; `start` for the whole history */
  from: 'start' | Position;
  /** inclusive end; default: whatever the log holds when each page is read */
  upTo?: Position;
  /** events per page and per transaction */
  batchSize: number;
  /** after each committed batch: events in it and its last position */
  onBatch?: (events: number, position: Position) => Promise<void> | void;
  /** stop between batches when it returns true */
  cancelled?: () => boolean;
};

/**
 * Feeds the projection's events into its tables in `schema`, batch by batch, each batch in
 * one transaction. Returns the position of the last event applied (or `from`).
 */
export async function replayInto(
  db: Kysely<unknown>,
  store: EventStore,
  projection: Projection,
  context: ProjectionContext,
  schema: string,
  options: ReplayOptions,
): Promise<'start' | Position> {
  let position = options.from;
  for (;;) {
    if (options.cancelled?.()) return position;
    const page = await store.readAll({ fromPosition: position, maxCount: options.batchSize, eventTypes: projection.eventTypes });
    const events = options.upTo === undefined ? page : page.filter((e) => e.position <= options.upTo!);
    if (events.length === 0) return position;
    await inSchema(db, schema, (trx) => projection.apply(events, trx, context));
    position = events[events.length - 1]!.position;
    await options.onBatch?.(events.length, position);
    if (events.length < page.length || page.length < options.batchSize) return position;
  }
}
