import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely';

/**
 * Runs `migrations` (kysely's Migrator) for one PostgreSQL schema, keeping the migration
 * table in that schema. Safe to run twice and from several processes at once.
 *
 * @example await migrateSchema(db, 'caretrack_api', { '0001_x': { up: async (db) => … } }, 'idempotency keys');
 */
export async function migrateSchema(
  db: Kysely<unknown>,
  schema: string,
  migrations: Record<string, Migration>,
  what: string,
): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    migrationTableName: 'migrations',
    migrationLockTableName: 'migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`${what}: migration ${failed} failed in schema ${schema}`, { cause: error });
  }
}
