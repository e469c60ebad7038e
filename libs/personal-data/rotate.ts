import { sql, type Kysely } from 'kysely';
import { KeyStoreCorruptError, WrongMasterKeyError } from './errors.js';
import { KEY_STORE_SCHEMA } from './key-store.schema.js';
import type { MasterKey } from './master-key.js';
import { unwrapKey, wrapKey, type WrapLabel } from './wrap.js';

/** What a rotation did. */
export type Rotation = {
  from: string;
  to: string;
  /** data keys re-wrapped */
  dataKeys: number;
  /** erased subjects: no key to re-wrap, their tombstones untouched */
  erased: number;
  /** named secrets re-wrapped */
  secrets: number;
  /** true when the store already used `to` (a repeated rotation): nothing was changed */
  alreadyDone: boolean;
};

const CHUNK = 5_000;

/**
 * Re-wraps every data key and secret under a new master key, in one transaction: it commits
 * whole or not at all, and touches no event (the events hold ciphertext under the data keys,
 * which do not change). Running it again with the same keys changes nothing.
 *
 * Processes still holding the old master key can no longer create or unwrap keys
 * (`MasterKeyRotatedError`); they must restart with the new one.
 *
 * @example const { dataKeys } = await rotateMasterKey(db, { from: current, to: MasterKey.generate() });
 * @throws {WrongMasterKeyError} `from` is not the store's master key (nor is `to`)
 */
export async function rotateMasterKey(
  db: Kysely<unknown>,
  options: {
    from: MasterKey;
    to: MasterKey;
    schema?: string;
    origin?: string;
    /** tests only: awaited inside the transaction once the master-key row is locked */
    afterLock?: () => Promise<void>;
  },
): Promise<Rotation> {
  const { from, to } = options;
  const schema = options.schema ?? KEY_STORE_SCHEMA;
  const table = (name: string) => sql.id(schema, name);
  if (from.check === to.check) throw new Error('the new master key is the current one: nothing to rotate');
  return db.transaction().execute(async (trx) => {
    const { rows: masters } = await sql<{ key_id: string; key_check: string }>`
      SELECT key_id, key_check FROM ${table('master_key')} WHERE id = 1 FOR UPDATE`.execute(trx);
    const stored = masters[0];
    if (!stored)
      throw new Error(
        `the key store in schema ${schema} holds no master key yet (the service never started on it): nothing to rotate`,
      );
    await options.afterLock?.();
    const counts = await countErased(trx, table('data_keys'));
    if (stored.key_check === to.check)
      return { from: from.id, to: to.id, dataKeys: 0, erased: counts, secrets: 0, alreadyDone: true };
    if (stored.key_check !== from.check) {
      throw new WrongMasterKeyError(schema, stored.key_id, from.id, options.origin ?? 'the current master key');
    }
    const { rows: keys } = await sql<{ owner: string; wrapped_key: string }>`
      SELECT subject_id AS owner, encode(wrapped_key, 'hex') AS wrapped_key FROM ${table('data_keys')}
      WHERE wrapped_key IS NOT NULL ORDER BY subject_id FOR UPDATE`.execute(trx);
    const { rows: secrets } = await sql<{ owner: string; wrapped_key: string }>`
      SELECT name AS owner, encode(wrapped_key, 'hex') AS wrapped_key FROM ${table('secrets')} ORDER BY name FOR UPDATE`.execute(
      trx,
    );
    const rewrapped = (rows: { owner: string; wrapped_key: string }[], label: (owner: string) => WrapLabel) =>
      rows.map((row) => {
        const key = unwrapKey(from, label(row.owner), Buffer.from(row.wrapped_key, 'hex'));
        if (!key) throw new KeyStoreCorruptError(`${label(row.owner).kind} ${row.owner}`);
        return { owner: row.owner, wrapped: wrapKey(to, label(row.owner), key).toString('hex') };
      });
    const newKeys = rewrapped(keys, (subjectId) => ({ kind: 'data-key', subjectId }));
    const newSecrets = rewrapped(secrets, (name) => ({ kind: 'secret', name }));
    for (let i = 0; i < newKeys.length; i += CHUNK) {
      const chunk = newKeys.slice(i, i + CHUNK);
      await sql`UPDATE ${table('data_keys')} AS k SET wrapped_key = decode(u.wrapped, 'hex'), master_key_id = ${to.id}
        FROM unnest(${chunk.map((c) => c.owner)}::text[], ${chunk.map((c) => c.wrapped)}::text[]) AS u(owner, wrapped)
        WHERE k.subject_id = u.owner`.execute(trx);
    }
    for (const secret of newSecrets) {
      await sql`UPDATE ${table('secrets')} SET wrapped_key = decode(${secret.wrapped}, 'hex'), master_key_id = ${to.id}
        WHERE name = ${secret.owner}`.execute(trx);
    }
    await sql`UPDATE ${table('master_key')} SET key_id = ${to.id}, key_check = ${to.check}, rotated_at = now() WHERE id = 1`.execute(
      trx,
    );
    return {
      from: from.id,
      to: to.id,
      dataKeys: newKeys.length,
      erased: counts,
      secrets: newSecrets.length,
      alreadyDone: false,
    };
  });
}

async function countErased(trx: Kysely<unknown>, dataKeys: ReturnType<typeof sql.id>): Promise<number> {
  const { rows } = await sql<{
    n: string;
  }>`SELECT count(*)::text AS n FROM ${dataKeys} WHERE erased_at IS NOT NULL`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}
