import { Kysely, sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { JsonObject } from '../event-store.js';
import { eventHash } from '../integrity-hash.js';
import { appendFunctionSql, appendLinesFunctionSql, type EventBodyType } from './append-function.js';

/** The event log's migrations, in order. Each runs once per schema; re-running is a no-op. */
function migrations(schema: string): Record<string, Migration> {
  const events = sql.id(schema, 'events');
  return {
    '0001_events': {
      async up(db: Kysely<unknown>) {
        await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
        // position is dense and assigned under the append lock: commit order = position order.
        await sql`
          CREATE TABLE ${events} (
            position    bigint      PRIMARY KEY,
            stream_id   text        NOT NULL,
            revision    bigint      NOT NULL,
            event_id    uuid        NOT NULL,
            type        text        NOT NULL,
            data        jsonb       NOT NULL,
            metadata    jsonb       NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT events_stream_revision UNIQUE (stream_id, revision)
          )`.execute(db);
        await sql`CREATE INDEX events_type_position ON ${events} (type, position)`.execute(db);
        await sql`CREATE INDEX events_stream_event_id ON ${events} (stream_id, event_id)`.execute(db);
        // Used only when appends are not serialized (the negative control of the concurrency test).
        await sql`CREATE SEQUENCE ${sql.id(schema, 'unserialized_positions')}`.execute(db);
      },
    },
    '0002_hash_chain': {
      async up(db: Kysely<unknown>) {
        await sql`ALTER TABLE ${events} ADD COLUMN hash text`.execute(db);
        // Each stream's last revision and hash: removing a stream's last event shows against it.
        await sql`CREATE TABLE ${sql.id(schema, 'streams')} (
          stream_id text PRIMARY KEY,
          revision  bigint NOT NULL,
          hash      text NOT NULL
        )`.execute(db);
        await backfillHashes(db, schema);
      },
    },
    '0003_append_batch': {
      async up(db: Kysely<unknown>) {
        // Group commit: a whole batch of appends in one server-side call (append-function.ts).
        await sql.raw(appendFunctionSql(schema, 'jsonb')).execute(db);
      },
    },
    '0004_append_lines': {
      async up(db: Kysely<unknown>) {
        // append_batch with the events' columns as newline-separated text (append-function.ts).
        await sql.raw(appendLinesFunctionSql(schema)).execute(db);
      },
    },
    '0005_append_batch_by_index': {
      async up(db: Kysely<unknown>) {
        // append_batch reads the written events' columns from its inputs by index instead of
        // copying them into arrays of its own: half the server CPU per event (append-function.ts).
        await sql.raw(appendFunctionSql(schema, 'jsonb')).execute(db);
      },
    },
    '0006_append_batch_probes_existing_streams': {
      async up(db: Kysely<unknown>) {
        // append_batch looks up already-stored ids only in streams that exist (append-function.ts).
        await sql.raw(appendFunctionSql(schema, 'jsonb')).execute(db);
      },
    },
    '0007_events_json': {
      async up(db: Kysely<unknown>) {
        // An empty log stores data and metadata as json, the hashed text as it came (`EventBodyType`).
        // A log with events keeps jsonb: the change would rewrite it under an exclusive lock. (An
        // event appended between the check and the ALTER is converted with it: still correct.)
        if (await isEmpty(db, schema))
          await sql`ALTER TABLE ${events}
            ALTER COLUMN data TYPE json USING data::json,
            ALTER COLUMN metadata TYPE json USING metadata::json`.execute(db);
        await sql.raw(appendFunctionSql(schema, await eventBodyType(db, schema))).execute(db);
      },
    },
  };
}

async function isEmpty(db: Kysely<unknown>, schema: string): Promise<boolean> {
  const { rows } = await sql<{
    empty: boolean;
  }>`SELECT NOT EXISTS (SELECT 1 FROM ${sql.id(schema, 'events')}) AS empty`.execute(db);
  return rows[0]!.empty;
}

/**
 * The type of the log's `data` column: what a migration that creates `append_batch` again casts
 * the appended text to.
 */
export async function eventBodyType(db: Kysely<unknown>, schema: string): Promise<EventBodyType> {
  const { rows } = await sql<{ type: string }>`
    SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = 'events' AND a.attname = 'data'`.execute(db);
  const type = rows[0]?.type;
  if (type !== 'json' && type !== 'jsonb') throw new Error(`${schema}.events.data is of type ${type ?? 'none'}`);
  return type;
}

/** Chains the hashes of events stored before the hash column existed, stream by stream. */
async function backfillHashes(db: Kysely<unknown>, schema: string): Promise<void> {
  const events = sql.id(schema, 'events');
  const { rows } = await sql<{
    position: string;
    stream_id: string;
    revision: string;
    type: string;
    data: JsonObject;
    metadata: JsonObject;
  }>`
    SELECT position::text AS position, stream_id, revision::text AS revision, type, data, metadata FROM ${events}
    ORDER BY stream_id, revision`.execute(db);
  let stream: string | null = null;
  let previous: string | null = null;
  for (const row of rows) {
    if (row.stream_id !== stream) previous = null;
    stream = row.stream_id;
    previous = eventHash(previous, row);
    await sql`UPDATE ${events} SET hash = ${previous} WHERE position = ${row.position}::bigint`.execute(db);
    await sql`INSERT INTO ${sql.id(schema, 'streams')} (stream_id, revision, hash) VALUES (${row.stream_id}, ${row.revision}::bigint, ${previous})
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash`.execute(db);
  }
}

/**
 * Creates or upgrades the event log's tables in `schema`. Safe to run twice and from
 * several processes at once (kysely's Migrator takes a lock). `upTo` stops after that migration
 * (tests only: a log as an earlier version left it).
 */
export async function migrateEventStore(db: Kysely<unknown>, schema: string, upTo?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(schema) };
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: schema,
    migrationTableName: 'migrations',
    migrationLockTableName: 'migrations_lock',
  });
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`event store migration ${failed} failed in schema ${schema}`, { cause: error });
  }
}
