import { createHmac, type KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { migrateSchema } from '../../../libs/read-store/migrate.js';

/** How long a key is remembered (SPEC §2: 24 h). */
export const IDEMPOTENCY_TTL_HOURS = 24;

const SCHEMA = 'caretrack_api';

/** What `claim` found. */
export type Claim =
  { kind: 'owner' } | { kind: 'replay'; status: number; body: object } | { kind: 'mismatch' } | { kind: 'in_progress' };

const migrations: Record<string, Migration> = {
  '0001_idempotency_keys': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE ${sql.id(SCHEMA, 'idempotency_keys')} (
        key_id          text        NOT NULL,
        idempotency_key text        NOT NULL,
        request_hash    text        NOT NULL,
        status          integer     NOT NULL,
        body            jsonb       NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key_id, idempotency_key)
      )`.execute(db);
      await sql`CREATE INDEX idempotency_keys_created_at ON ${sql.id(SCHEMA, 'idempotency_keys')} (created_at)`.execute(
        db,
      );
    },
  },
};

/** The key store secret (`KeyStore.secret`) that keys request hashes. */
export const IDEMPOTENCY_REQUEST_SECRET = 'idempotency-request';

/**
 * A canonical keyed hash of a request: HMAC-SHA256 under the service secret of command name,
 * expected revision and the body with sorted keys. Keyed, so a stored hash cannot confirm a
 * guess of a patient's name (SPEC §9: no plaintext copy, nor a way to test one).
 */
export function requestHash(
  secret: KeyObject,
  commandName: string,
  ifMatch: string | undefined,
  body: unknown,
): string {
  return createHmac('sha256', secret)
    .update(JSON.stringify([commandName, ifMatch ?? null, canonical(body)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Idempotency keys in PostgreSQL, scoped per API key, remembered for 24 h. Only successes are
 * remembered: a failed request may be retried with the same key. Status 0 marks a claim whose
 * request is still running.
 */
export class IdempotencyStore {
  private constructor(
    private readonly db: Kysely<unknown>,
    private readonly secret: KeyObject,
  ) {}

  /** Creates the table if needed (safe to run twice or concurrently); `secret` keys the request hashes. */
  static async open(db: Kysely<unknown>, secret: KeyObject): Promise<IdempotencyStore> {
    await migrateSchema(db, SCHEMA, migrations, 'idempotency keys');
    return new IdempotencyStore(db, secret);
  }

  /** {@link requestHash} under this store's secret. */
  hashOf(commandName: string, ifMatch: string | undefined, body: unknown): string {
    return requestHash(this.secret, commandName, ifMatch, body);
  }

  /**
   * Claims a key for a request. `owner`: go ahead, then `complete` or `release`. `replay`: the
   * first request succeeded; answer its response. `mismatch`: the key was used with another
   * request (422). `in_progress`: the first request is still running (409; retry later).
   * A claim left pending for over a minute (a crashed process) is taken over.
   */
  async claim(keyId: string, key: string, hash: string): Promise<Claim> {
    const table = sql.id(SCHEMA, 'idempotency_keys');
    await sql`DELETE FROM ${table} WHERE key_id = ${keyId} AND idempotency_key = ${key}
      AND created_at <= now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`.execute(this.db);
    const inserted = await sql`INSERT INTO ${table} (key_id, idempotency_key, request_hash, status, body)
      VALUES (${keyId}, ${key}, ${hash}, 0, '{}'::jsonb)
      ON CONFLICT (key_id, idempotency_key) DO NOTHING`.execute(this.db);
    if (Number(inserted.numAffectedRows ?? 0n) === 1) return { kind: 'owner' };
    const { rows } = await sql<{ request_hash: string; status: number; body: object; stale: boolean }>`
      SELECT request_hash, status, body, created_at < now() - interval '1 minute' AS stale
      FROM ${table} WHERE key_id = ${keyId} AND idempotency_key = ${key}`.execute(this.db);
    const row = rows[0];
    if (!row) return this.claim(keyId, key, hash);
    if (row.request_hash !== hash) return { kind: 'mismatch' };
    if (row.status > 0) return { kind: 'replay', status: row.status, body: row.body };
    if (!row.stale) return { kind: 'in_progress' };
    const taken = await sql`UPDATE ${table} SET created_at = now()
      WHERE key_id = ${keyId} AND idempotency_key = ${key} AND status = 0
        AND created_at < now() - interval '1 minute'`.execute(this.db);
    return Number(taken.numAffectedRows ?? 0n) === 1 ? { kind: 'owner' } : { kind: 'in_progress' };
  }

  /** Stores the owner's successful response; later requests with the key replay it. */
  async complete(keyId: string, key: string, status: number, body: object): Promise<void> {
    await sql`UPDATE ${sql.id(SCHEMA, 'idempotency_keys')} SET status = ${status}, body = ${JSON.stringify(body)}::jsonb
      WHERE key_id = ${keyId} AND idempotency_key = ${key}`.execute(this.db);
  }

  /** Forgets a claim whose request failed, so the client may retry with the same key. */
  async release(keyId: string, key: string): Promise<void> {
    await sql`DELETE FROM ${sql.id(SCHEMA, 'idempotency_keys')}
      WHERE key_id = ${keyId} AND idempotency_key = ${key} AND status = 0`.execute(this.db);
  }

  /** Deletes keys older than 24 h; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await sql`DELETE FROM ${sql.id(SCHEMA, 'idempotency_keys')}
      WHERE created_at <= now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
