import { Kysely, sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';

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
  };
}

/**
 * Creates or upgrades the event log's tables in `schema`. Safe to run twice and from
 * several processes at once (kysely's Migrator takes a lock).
 */
export async function migrateEventStore(db: Kysely<unknown>, schema: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(schema) };
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: schema,
    migrationTableName: 'migrations',
    migrationLockTableName: 'migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`event store migration ${failed} failed in schema ${schema}`, { cause: error });
  }
}
