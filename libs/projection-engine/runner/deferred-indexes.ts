import { sql, type Kysely } from 'kysely';
import { inSchema } from '../apply-in-schema.js';
import { LIVE_SCHEMA } from '../engine-schema.js';
import { createIndexesSql } from '../table.js';
import type { Projection } from '../projection.js';

/**
 * A projection that starts from nothing builds its tables as a rebuild does: rows first, the
 * secondary indexes (primary keys stay) once it has caught up with the log, in one sorted pass
 * each instead of an insertion per row. Readers see correct rows meanwhile, only slower.
 */
export class DeferredIndexes {
  private readonly pending = new Set<string>();

  /** `server`: build two at a time with more sort memory (the PostgreSQL server, not PGlite). */
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly server: boolean,
  ) {}

  /** True while some projection's indexes may be missing. */
  any(): boolean {
    return this.pending.size > 0;
  }

  /** Drops the projection's secondary indexes, to build them once it has caught up. */
  async defer(projection: Projection): Promise<void> {
    for (const table of projection.tableDefs) {
      for (const index of table.indexes)
        await sql`DROP INDEX IF EXISTS ${sql.id(LIVE_SCHEMA, index.name)}`.execute(this.db);
    }
    this.pending.add(projection.name);
  }

  /** Marks the projection's indexes as possibly missing (after a crash in a catch-up from nothing). */
  check(name: string): void {
    this.pending.add(name);
  }

  /**
   * Creates the declared indexes that are missing (after a catch-up from nothing, or a crash in
   * one). On the server two are built at a time, each in its own transaction on its own
   * connection (PostgreSQL builds one index on one core; the runner is idle meanwhile), the
   * largest tables first so the longest builds overlap the rest; each server build may sort in
   * memory up to 256 MB (`maintenance_work_mem`, for that transaction only) instead of spilling the
   * timeline's million keys to disk.
   */
  async build(projections: readonly Projection[]): Promise<void> {
    const pending = projections.filter((p) => this.pending.has(p.name));
    const jobs = pending.flatMap((projection) =>
      projection.tableDefs.flatMap((table) =>
        createIndexesSql(table).map((ddl) => ({
          table: table.name,
          ddl: ddl.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '),
        })),
      ),
    );
    const sizes = await tableSizes(this.db, [...new Set(jobs.map((j) => j.table))]);
    jobs.sort((a, b) => (sizes.get(b.table) ?? 0) - (sizes.get(a.table) ?? 0));
    const server = this.server;
    const build = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const { ddl } = job;
        await inSchema(this.db, LIVE_SCHEMA, async (trx) => {
          if (server) await sql`SET LOCAL maintenance_work_mem TO '256MB'`.execute(trx);
          await sql.raw(ddl).execute(trx);
        });
      }
    };
    await Promise.all(Array.from({ length: server ? 2 : 1 }, build));
    for (const projection of pending) this.pending.delete(projection.name);
  }
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
