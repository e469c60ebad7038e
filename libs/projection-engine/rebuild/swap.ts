import { sql, type Kysely } from 'kysely';
import type { EventStore, Position } from '../../event-store/index.js';
import { ENGINE_SCHEMA, LIVE_SCHEMA } from '../engine-schema.js';
import type { Projection, ProjectionContext } from '../projection.js';
import { savePrevious } from './rebuild-state.js';

const checkpoints = sql.id(ENGINE_SCHEMA, 'checkpoints');

/** Schemas a projection's rebuild uses beside the live tables. */
export const shadowSchema = (name: string) => `caretrack_shadow_${name}`;
export const previousSchema = (name: string) => `caretrack_previous_${name}`;
export const verifySchema = (name: string) => `caretrack_verify_${name}`;

/**
 * In ONE transaction: locks the projection's checkpoint (the live runner waits), applies the
 * events that arrived since the shadow's position to the shadow, moves the live tables to the
 * previous schema and the shadow's into the live schema, and sets the checkpoint to the
 * shadow's position and fingerprint. Readers see the old rows until commit, the new after.
 * Returns the new position.
 */
export async function swapIn(
  db: Kysely<unknown>,
  store: EventStore,
  projection: Projection,
  context: ProjectionContext,
  shadowPosition: 'start' | Position,
  fingerprint: string,
  batchSize: number,
): Promise<'start' | Position> {
  const shadow = shadowSchema(projection.name);
  const previous = previousSchema(projection.name);
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ position: string | null; fingerprint: string }>`SELECT position::text AS position, fingerprint
      FROM ${checkpoints} WHERE name = ${projection.name} FOR UPDATE`.execute(trx);
    const live = rows[0];
    if (!live) throw new Error(`projection ${projection.name} is not registered`);
    let position = shadowPosition;
    await sql`SELECT set_config('search_path', ${`"${shadow}", public`}, true)`.execute(trx);
    for (;;) {
      const page = await store.readAll({ fromPosition: position, maxCount: batchSize, eventTypes: projection.eventTypes });
      if (page.length === 0) break;
      await projection.apply(page, trx, context);
      position = page[page.length - 1]!.position;
      if (page.length < batchSize) break;
    }
    await sql`SELECT set_config('search_path', ${LIVE_SCHEMA}, true)`.execute(trx);
    await sql`DROP SCHEMA IF EXISTS ${sql.id(previous)} CASCADE`.execute(trx);
    await sql`CREATE SCHEMA ${sql.id(previous)}`.execute(trx);
    await moveTables(trx, projection.tableNames, LIVE_SCHEMA, previous);
    await moveTables(trx, projection.tableNames, shadow, LIVE_SCHEMA);
    await sql`UPDATE ${checkpoints} SET position = ${position === 'start' ? null : position.toString()}::numeric,
        fingerprint = ${fingerprint}, faulted_event_id = NULL, updated_at = now()
      WHERE name = ${projection.name}`.execute(trx);
    await savePrevious(trx, projection.name, live.position, live.fingerprint);
    await sql`DROP SCHEMA ${sql.id(shadow)} CASCADE`.execute(trx);
    return position;
  });
}

/**
 * Swaps the live tables with the previous ones, in one transaction, and sets the checkpoint
 * to where the previous rows stood: the runner then catches them up. The swapped-out tables
 * become the previous ones (a second rollback swaps forward again).
 */
export async function swapBack(db: Kysely<unknown>, projection: Projection): Promise<{ position: string | null; fingerprint: string }> {
  const previous = previousSchema(projection.name);
  const parking = `${previous}_out`;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ position: string | null; fingerprint: string; previous_position: string | null; previous_fingerprint: string | null; has_previous: boolean }>`
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

/** Rollback asked for a projection that has no previous tables. */
export class NoPreviousTables extends Error {
  constructor(readonly projection: string) {
    super(`projection ${projection} has no previous tables to roll back to`);
    this.name = 'NoPreviousTables';
  }
}

async function moveTables(trx: Kysely<unknown>, tables: readonly string[], from: string, to: string): Promise<void> {
  for (const table of tables) await sql`ALTER TABLE ${sql.id(from, table)} SET SCHEMA ${sql.id(to)}`.execute(trx);
}
