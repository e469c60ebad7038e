import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { migrateSchema } from '../read-store/migrate.js';

/** The key store's default schema: apart from the events and the read tables. */
export const KEY_STORE_SCHEMA = 'caretrack_keys';

/**
 * The key store's tables in `schema`:
 * - `master_key`: one row, the key-check value of the master key that wraps every key below;
 * - `data_keys`: one row per data subject, the wrapped data key until erasure, then no key and
 *   `erased_at` (a tombstone that also refuses a new key for that subject);
 * - `secrets`: named 256-bit keys of the service (the export pseudonym key), wrapped likewise.
 */
export function keyStoreMigrations(schema: string): Record<string, Migration> {
  const table = (name: string) => sql.id(schema, name);
  return {
    '0001_key_store': {
      async up(db: Kysely<unknown>) {
        await sql`CREATE TABLE ${table('master_key')} (
          id          smallint    PRIMARY KEY CHECK (id = 1),
          key_id      text        NOT NULL,
          key_check   text        NOT NULL,
          created_at  timestamptz NOT NULL DEFAULT now(),
          rotated_at  timestamptz
        )`.execute(db);
        await sql`CREATE TABLE ${table('data_keys')} (
          subject_id    text        PRIMARY KEY,
          wrapped_key   bytea,
          master_key_id text,
          created_at    timestamptz NOT NULL DEFAULT now(),
          erased_at     timestamptz,
          CONSTRAINT data_keys_key_xor_erased CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL)),
          CONSTRAINT data_keys_master_with_key CHECK ((wrapped_key IS NULL) = (master_key_id IS NULL))
        )`.execute(db);
        await sql`CREATE TABLE ${table('secrets')} (
          name          text        PRIMARY KEY,
          wrapped_key   bytea       NOT NULL,
          master_key_id text        NOT NULL,
          created_at    timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      },
    },
  };
}

/** Creates or updates the key store's tables in `schema` (safe twice and from several processes). */
export async function migrateKeyStore(db: Kysely<unknown>, schema: string = KEY_STORE_SCHEMA): Promise<void> {
  await migrateSchema(db, schema, keyStoreMigrations(schema), 'key store');
}
