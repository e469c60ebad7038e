import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { migrateSchema } from '../read-store/migrate.js';

/** Where the engine keeps its own tables; read tables live in `public`. */
export const ENGINE_SCHEMA = 'caretrack_projections';
/** The schema of the live read tables (what the seed's queries and dashboards see). */
export const LIVE_SCHEMA = 'public';
/** SQLSTATE of `advance_checkpoints` when a checkpoint is not where its runner thinks (→ `LostTurn`). */
export const LOST_TURN_SQLSTATE = 'CTLT1';

/*
 * Every other schema the engine makes, named here and nowhere else. Each holds one projection's
 * tables (the same DDL) for one purpose and is dropped after it, except `previous`.
 */
/** A rebuild's new tables, built beside the live ones and swapped in. */
export const shadowSchema = (projection: string) => `caretrack_shadow_${projection}`;
/** The tables a swap replaced, kept for one rollback. */
export const previousSchema = (projection: string) => `caretrack_previous_${projection}`;
/** A rebuild's independent second fold, compared with the shadow before the swap. */
export const verifySchema = (projection: string) => `caretrack_verify_${projection}`;
/** `POST …/verify`: a replay up to the live position, compared with the live tables. */
export const checkSchema = (projection: string) => `caretrack_check_${projection}`;
/** An as-of view's replay of one patient's history (a fresh name per request). */
export const scratchSchema = () => `caretrack_scratch_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

const migrations: Record<string, Migration> = {
  '0001_checkpoints_and_leases': {
    async up(db: Kysely<unknown>) {
      // position: the full log position (EventStoreDB's can exceed 2^64), NULL before the first event.
      await sql`CREATE TABLE ${sql.id(ENGINE_SCHEMA, 'checkpoints')} (
        name             text PRIMARY KEY,
        position         numeric(40, 0),
        fingerprint      text NOT NULL,
        fence            bigint NOT NULL DEFAULT 0,
        faulted_event_id text,
        last_error       text,
        faulted_at       timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`.execute(db);
      await sql`CREATE TABLE ${sql.id(ENGINE_SCHEMA, 'leases')} (
        name       text PRIMARY KEY,
        owner      text,
        fence      bigint NOT NULL DEFAULT 0,
        expires_at timestamptz
      )`.execute(db);
    },
  },
  '0002_rebuilds': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE ${sql.id(ENGINE_SCHEMA, 'rebuilds')} (
        name                 text PRIMARY KEY,
        state                text NOT NULL,
        owner                text NOT NULL,
        started_at           timestamptz NOT NULL DEFAULT now(),
        heartbeat_at         timestamptz NOT NULL DEFAULT now(),
        finished_at          timestamptz,
        processed            bigint NOT NULL DEFAULT 0,
        total                bigint NOT NULL DEFAULT 0,
        events_per_second    double precision,
        eta_seconds          double precision,
        position             numeric(40, 0),
        previous_position    numeric(40, 0),
        previous_fingerprint text,
        differences          jsonb,
        error                text
      )`.execute(db);
    },
  },
  '0003_advance_checkpoints': {
    async up(db: Kysely<unknown>) {
      // The checkpoint's compare-and-set as ONE statement that fails on a lost turn, so a batch's
      // write transaction can go to the server as one script (write-transaction.ts): no round trip
      // back to Node to read the UPDATE's row count before the rows are written and committed.
      const checkpoints = sql.id(ENGINE_SCHEMA, 'checkpoints');
      await sql`CREATE OR REPLACE FUNCTION ${sql.id(ENGINE_SCHEMA, 'advance_checkpoints')}(
          p_name text[], p_fence bigint[], p_previous numeric[], p_next numeric[]) RETURNS void
        LANGUAGE plpgsql AS $advance$
        DECLARE moved integer;
        BEGIN
          UPDATE ${checkpoints} c SET position = v.next, updated_at = now()
            FROM unnest(p_name, p_fence, p_previous, p_next) AS v(name, fence, previous, next)
            WHERE c.name = v.name AND c.fence = v.fence AND c.position IS NOT DISTINCT FROM v.previous;
          GET DIAGNOSTICS moved = ROW_COUNT;
          IF moved <> cardinality(p_name) THEN
            RAISE EXCEPTION 'lost turn: %', array_to_string(p_name, ', ') USING ERRCODE = ${sql.lit(LOST_TURN_SQLSTATE)};
          END IF;
        END
        $advance$`.execute(db);
    },
  },
};

/** Creates the engine's tables (safe to run twice, or from two processes at once). */
export async function migrateEngine(db: Kysely<unknown>): Promise<void> {
  await migrateSchema(db, ENGINE_SCHEMA, migrations, 'projection engine');
}
