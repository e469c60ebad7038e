import { sql, type Kysely } from 'kysely';
import type { Position } from '../../event-store/index.js';
import { LIVE_SCHEMA } from '../engine-schema.js';
import type { Projection } from '../projection.js';
import { RowCache } from '../row-cache.js';
import type { DeferredIndexes } from './deferred-indexes.js';

/**
 * Each projection's row cache, kept across batches while this runner holds the projection and
 * dropped whenever another writer may have changed its tables (a lease lost or taken anew, a
 * lost turn, a failed batch).
 */
export class RowCaches {
  private readonly caches = new Map<string, RowCache>();

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly rows: number,
  ) {}

  /** The projection's cache (a new, empty one if it had none). */
  of(name: string): RowCache {
    let cache = this.caches.get(name);
    if (!cache) this.caches.set(name, (cache = new RowCache(this.rows)));
    return cache;
  }

  /** Forgets the projection's cache. */
  drop(name: string): void {
    this.caches.delete(name);
  }

  /**
   * Makes a cache for each projection that has none; a projection that starts from nothing with
   * empty tables has a complete cache (a miss is a row that does not exist) and defers its
   * indexes. Either way its indexes are checked once caught up (a crash in a catch-up from
   * nothing may have left them missing).
   */
  async prepare(
    projections: readonly Projection[],
    positions: ReadonlyMap<string, Position | null>,
    indexes: DeferredIndexes,
  ): Promise<void> {
    for (const projection of projections) {
      if (this.caches.has(projection.name)) continue;
      const cache = new RowCache(this.rows);
      if ((positions.get(projection.name) ?? null) === null && (await emptyTables(this.db, projection.tableNames))) {
        cache.markComplete(projection.tableNames);
        await indexes.defer(projection);
      }
      this.caches.set(projection.name, cache);
      indexes.check(projection.name);
    }
  }
}

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
