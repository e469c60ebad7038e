import { sql, type Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/index.js';
import { replayInto } from './replay.js';
import { ENGINE_SCHEMA, LIVE_SCHEMA, previousSchema, shadowSchema } from '../engine-schema.js';
import type { Projection, ProjectionContext } from '../projection.js';
import { savePrevious } from './rebuild-state.js';
import type { RowCache } from '../row-cache.js';
import { NoPreviousTables } from '../errors.js';
import type { EventOpener } from '../open-events.js';

const checkpoints = sql.id(ENGINE_SCHEMA, 'checkpoints');

/**
 * Catches the shadow up to the log's head, then in ONE transaction locks the projection's
 * checkpoint (the live runner waits) and — when the live rows are not ahead of the shadow —
 * moves the live tables to the previous schema and the shadow's into the live schema, and
 * sets the checkpoint to the shadow's position and fingerprint. Readers see the old rows
 * until the commit, the new after. Returns the new position.
 */
export async function swapIn(
  db: Kysely<unknown>,
  store: EventStore,
  projection: Projection,
  context: ProjectionContext,
  shadowPosition: 'start' | Position,
  fingerprint: string,
  batchSize: number,
  opener: EventOpener,
  cache?: RowCache,
): Promise<'start' | Position> {
  const shadow = shadowSchema(projection.name);
  const previous = previousSchema(projection.name);
  let position = shadowPosition;
  for (let attempt = 0; attempt < 50; attempt++) {
    // Catch the shadow up outside the transaction: the store may share this database's single
    // connection (PGlite), so it cannot be read while the transaction holds it.
    position = await replayInto(db, store, projection, context, shadow, {
      from: position,
      batchSize,
      opener,
      ...(cache ? { cache } : {}),
    });
    const target = position;
    const swapped = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        position: string | null;
        fingerprint: string;
      }>`SELECT position::text AS position, fingerprint
        FROM ${checkpoints} WHERE name = ${projection.name} FOR UPDATE`.execute(trx);
      const live = rows[0];
      if (!live) throw new Error(`projection ${projection.name} is not registered`);
      // The live runner got further than the shadow meanwhile: catch up again, then retry.
      if (live.position !== null && (target === 'start' || BigInt(live.position) > target)) return false;
      await sql`DROP SCHEMA IF EXISTS ${sql.id(previous)} CASCADE`.execute(trx);
      await sql`CREATE SCHEMA ${sql.id(previous)}`.execute(trx);
      await moveTables(trx, projection.tableNames, LIVE_SCHEMA, previous);
      await moveTables(trx, projection.tableNames, shadow, LIVE_SCHEMA);
      await sql`UPDATE ${checkpoints} SET position = ${target === 'start' ? null : target.toString()}::numeric,
          fingerprint = ${fingerprint}, faulted_event_id = NULL, updated_at = now()
        WHERE name = ${projection.name}`.execute(trx);
      await savePrevious(trx, projection.name, live.position, live.fingerprint);
      await sql`DROP SCHEMA ${sql.id(shadow)} CASCADE`.execute(trx);
      return true;
    });
    if (swapped) return target;
  }
  throw new Error(`projection ${projection.name} kept moving ahead of its shadow; retry the rebuild`);
}

/**
 * Swaps the live tables with the previous ones, in one transaction, and sets the checkpoint
 * to where the previous rows stood: the runner then catches them up. The swapped-out tables
 * become the previous ones (a second rollback swaps forward again).
 */
export async function swapBack(
  db: Kysely<unknown>,
  projection: Projection,
): Promise<{ position: string | null; fingerprint: string }> {
  const previous = previousSchema(projection.name);
  const parking = `${previous}_out`;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      position: string | null;
      fingerprint: string;
      previous_position: string | null;
      previous_fingerprint: string | null;
      has_previous: boolean;
    }>`
      SELECT c.position::text AS position, c.fingerprint, r.previous_position::text AS previous_position, r.previous_fingerprint,
        EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = ${previous}) AS has_previous
      FROM ${checkpoints} c LEFT JOIN ${sql.id(ENGINE_SCHEMA, 'rebuilds')} r ON r.name = c.name
      WHERE c.name = ${projection.name} FOR UPDATE OF c`.execute(trx);
    const row = rows[0];
    if (!row?.has_previous || !row.previous_fingerprint) throw new NoPreviousTables(projection.name);
    await sql`CREATE SCHEMA ${sql.id(parking)}`.execute(trx);
    await moveTables(trx, projection.tableNames, LIVE_SCHEMA, parking);
    await moveTables(trx, projection.tableNames, previous, LIVE_SCHEMA);
    await sql`DROP SCHEMA ${sql.id(previous)}`.execute(trx);
    await sql`ALTER SCHEMA ${sql.id(parking)} RENAME TO ${sql.id(previous)}`.execute(trx);
    await sql`UPDATE ${checkpoints} SET position = ${row.previous_position}::numeric, fingerprint = ${row.previous_fingerprint},
        faulted_event_id = NULL, updated_at = now() WHERE name = ${projection.name}`.execute(trx);
    await savePrevious(trx, projection.name, row.position, row.fingerprint);
    return { position: row.previous_position, fingerprint: row.previous_fingerprint };
  });
}

/**
 * Drops the previous (rollback) tables of these projections: they hold rows as they were before
 * the last swap, personal fields of a patient erased since included (SPEC §9). Called when an
 * erasure is applied; a rollback then answers `NoPreviousTables`.
 */
export async function dropPreviousTables(db: Kysely<unknown>, names: readonly string[]): Promise<void> {
  for (const name of names) await sql`DROP SCHEMA IF EXISTS ${sql.id(previousSchema(name))} CASCADE`.execute(db);
}

async function moveTables(trx: Kysely<unknown>, tables: readonly string[], from: string, to: string): Promise<void> {
  for (const table of tables) await sql`ALTER TABLE ${sql.id(from, table)} SET SCHEMA ${sql.id(to)}`.execute(trx);
}
