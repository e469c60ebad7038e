import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Position } from '../event-store/index.js';
import { inSchema } from './apply-in-schema.js';
import { ENGINE_SCHEMA, LIVE_SCHEMA, LOST_TURN_SQLSTATE } from './engine-schema.js';
import type { Projection } from './projection.js';
import { LostTurn } from './errors.js';
import { describeFault } from './fault.js';
import { literalOf } from './sql-io.js';

const checkpoints = sql.id(ENGINE_SCHEMA, 'checkpoints');
/**
 * Registers a projection: a new one gets its checkpoint row and its tables in the live
 * schema, in one transaction. An existing one is left as it is (its fingerprint may differ:
 * stale).
 */
export async function registerProjection(
  db: Kysely<unknown>,
  projection: Projection,
  fingerprint: string,
): Promise<void> {
  await inSchema(db, LIVE_SCHEMA, async (trx) => {
    // class 1886547818 = "proj" (hex literals need PostgreSQL 16)
    await sql`SELECT pg_advisory_xact_lock(1886547818, hashtext(${projection.name}))`.execute(trx);
    const inserted =
      await sql`INSERT INTO ${checkpoints} (name, fingerprint) VALUES (${projection.name}, ${fingerprint})
      ON CONFLICT (name) DO NOTHING`.execute(trx);
    if (Number(inserted.numAffectedRows ?? 0n) === 0) return;
    for (const ddl of projection.tables) await sql.raw(ddl).execute(trx);
  });
}

/** The checkpoints of some projections (`null`: nothing applied yet). */
export async function loadPositions(
  db: Kysely<unknown>,
  names: readonly string[],
): Promise<Map<string, Position | null>> {
  const { rows } = await sql<{ name: string; position: string | null }>`SELECT name, position::text AS position
    FROM ${checkpoints} WHERE name = ANY(${[...names]}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.name, r.position === null ? null : BigInt(r.position)]));
}

/** A projection's checkpoint (`null`: nothing applied yet, or no such projection). */
export async function livePosition(db: Kysely<unknown>, name: string): Promise<Position | null> {
  const { rows } = await sql<{
    position: string | null;
  }>`SELECT position::text AS position FROM ${checkpoints}
    WHERE name = ${name}`.execute(db);
  return rows[0]?.position ? BigInt(rows[0].position) : null;
}

/**
 * Locks a projection's checkpoint row until the caller's transaction ends (the runner's next
 * batch waits) and returns its position as text (`null`: nothing applied yet).
 */
export async function lockCheckpoint(trx: Kysely<unknown>, name: string): Promise<string | null> {
  const { rows } = await sql<{
    position: string | null;
  }>`SELECT position::text AS position FROM ${checkpoints}
    WHERE name = ${name} FOR UPDATE`.execute(trx);
  return rows[0]?.position ?? null;
}

/** A checkpoint's move from `previous` to `next`, valid only while `fence` is current. */
export type CheckpointMove = { name: string; fence: bigint; previous: Position | null; next: Position };

/**
 * The statement that moves checkpoints inside the caller's transaction, only while each `fence`
 * is current and each checkpoint is where the caller thinks: otherwise it fails (SQLSTATE
 * `LOST_TURN_SQLSTATE`, which `asLostTurn` turns into `LostTurn`) and the transaction, rows
 * included, rolls back. One statement for one projection or several (a live batch applied to
 * them together); being a statement, not a round trip, it can go in a one-script transaction.
 */
export function advanceCheckpointsStatement(moves: readonly CheckpointMove[]): RawBuilder<unknown> {
  return sql`SELECT ${sql.id(ENGINE_SCHEMA, 'advance_checkpoints')}(
    CAST(${literalOf(moves.map((m) => m.name))} AS text[]),
    CAST(${literalOf(moves.map((m) => m.fence.toString()))} AS bigint[]),
    CAST(${literalOf(moves.map((m) => (m.previous === null ? null : m.previous.toString())))} AS numeric[]),
    CAST(${literalOf(moves.map((m) => m.next.toString()))} AS numeric[]))`;
}

/** `error` as `LostTurn` when it is `advance_checkpoints`' lost-turn failure; otherwise `error` itself. */
export function asLostTurn(error: unknown, moves: readonly CheckpointMove[]): unknown {
  return (error as { code?: unknown } | null)?.code === LOST_TURN_SQLSTATE
    ? new LostTurn(moves.map((m) => m.name).join(', '))
    : error;
}

/** Runs `advanceCheckpointsStatement` on its own in `trx` (the caller's transaction). */
export async function advanceCheckpoints(trx: Kysely<unknown>, moves: readonly CheckpointMove[]): Promise<void> {
  try {
    await advanceCheckpointsStatement(moves).execute(trx);
  } catch (error) {
    throw asLostTurn(error, moves);
  }
}

/**
 * Records that `eventId` made the projection throw; it stops until the next start. The error
 * is stored as `describeFault` gives it: no database message (it can quote a row's values).
 */
export async function markFaulted(db: Kysely<unknown>, name: string, eventId: string, error: unknown): Promise<void> {
  const message = describeFault(error).slice(0, 2000);
  await sql`UPDATE ${checkpoints} SET faulted_event_id = ${eventId}, last_error = ${message}, faulted_at = now()
    WHERE name = ${name}`.execute(db);
}

/** Clears every fault: a restart retries faulted projections. */
export async function clearFaults(db: Kysely<unknown>, names: readonly string[]): Promise<void> {
  await sql`UPDATE ${checkpoints} SET faulted_event_id = NULL, faulted_at = NULL
    WHERE name = ANY(${[...names]}::text[]) AND faulted_event_id IS NOT NULL`.execute(db);
}

/** Names of the projections currently marked faulted. */
export async function faultedNames(db: Kysely<unknown>, names: readonly string[]): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM ${checkpoints}
    WHERE name = ANY(${[...names]}::text[]) AND faulted_event_id IS NOT NULL`.execute(db);
  return new Set(rows.map((r) => r.name));
}
