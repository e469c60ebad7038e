import { sql, type Kysely } from 'kysely';
import type { EventStore, StoredEvent } from '../../event-store/index.js';
import { inSchema } from '../apply-in-schema.js';
import { scratchSchema } from '../engine-schema.js';
import { applyBatch, storeHistory } from '../apply-batch.js';
import type { Projection, ProjectionContext } from '../projection.js';
import { RowCache } from '../row-cache.js';
import type { EventOpener } from '../open-events.js';

/**
 * Replays the chosen events through the projections' own code into a scratch schema, lets
 * `read` query it, and drops it: the read tables as they would have been for that history
 * (e.g. up to a past time). The same `apply` as the live projections, not a second copy.
 *
 * @example
 * await withScratchReplay(db, store, opener, [statistics], ctx, (e) => e.recordedAt <= at, (schema) => readRows(schema));
 *
 * Events are opened (decrypted) page by page by `opener`, as the runner does: an erased
 * patient's fields are `null` at every time, also before the erasure.
 */
export async function withScratchReplay<T>(
  db: Kysely<unknown>,
  store: EventStore,
  opener: EventOpener,
  projections: readonly Projection[],
  context: ProjectionContext,
  select: (event: StoredEvent) => boolean,
  read: (schema: string) => Promise<T>,
  pageSize = 2000,
): Promise<T> {
  const schema = scratchSchema();
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
  try {
    await inSchema(db, schema, async (trx) => {
      for (const p of projections) for (const ddl of p.tables) await sql.raw(ddl).execute(trx);
    });
    const types = [...new Set(projections.flatMap((p) => p.eventTypes))];
    const history = storeHistory(store, opener, select);
    const caches = new Map(
      projections.map((p) => {
        const cache = new RowCache();
        cache.markComplete(p.tableNames);
        return [p.name, cache];
      }),
    );
    let from: 'start' | bigint = 'start';
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: pageSize, eventTypes: types });
      const chosen = await opener.open(page.filter(select));
      for (const p of projections) {
        const mine = chosen.filter((e) => p.eventTypes.includes(e.type));
        if (mine.length)
          await applyBatch(mine, { db, schema, projection: p, context, cache: caches.get(p.name)!, history });
      }
      if (page.length < pageSize) break;
      from = page[page.length - 1]!.position;
    }
    return await read(schema);
  } finally {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
  }
}
