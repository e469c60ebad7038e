import type { KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DataKeys } from './data-keys.js';
import { KeyStoreCorruptError, MasterKeyRotatedError, PatientErasedError, WrongMasterKeyError } from './errors.js';
import type { KeyState } from './field-cipher.js';
import { KeyCache, type KeyCacheOptions } from './key-cache.js';
import { KEY_STORE_SCHEMA, migrateKeyStore } from './key-store.schema.js';
import type { MasterKey } from './master-key.js';
import type { PendingMasterKey } from './master-key-source.js';
import { newDataKey, unwrapKey, wrapKey, type WrapLabel } from './wrap.js';

type Logger = { warn(obj: object, msg: string): void };

/** Subscribes to a PostgreSQL NOTIFY channel (`DatabaseConnection.listen` of libs/read-store). */
export type Listen = (channel: string, onWake: () => void) => Promise<() => Promise<void>>;

export type KeyStoreOptions = {
  /** the master key (with where it came from, for messages, and a rotation's pending key) */
  masterKey: { key: MasterKey; origin: string; pending?: PendingMasterKey };
  /** default `caretrack_keys`; tests use a fresh one each */
  schema?: string;
  /** other processes' erasures arrive through it and evict this process's cached keys */
  listen?: Listen;
  cache?: KeyCacheOptions;
  logger?: Logger;
  /** tests only: awaited inside the transaction that creates a data key, just before it commits */
  hooks?: { beforeCreateCommit?: () => Promise<void> };
};

type KeyRow = {
  subject_id: string;
  wrapped_key: string | null;
  master_key_id: string | null;
  erased_at: Date | string | null;
};

/** What `destroy` did. */
export type Erasure = { erasedAt: Date; alreadyErased: boolean };

/**
 * Per-patient data keys in PostgreSQL (server or PGlite), wrapped by the master key: created on
 * first use, destroyed on erasure, re-wrapped by `rotateMasterKey`. Unwrapped keys live only
 * in this process, in a bounded cache that erasures evict: this process's at once, other
 * processes' through NOTIFY (and a reconnecting listener re-checks everything it holds).
 *
 * @example
 * const keys = await KeyStore.open(db, { masterKey: await loadMasterKey(settings), listen: conn.listen });
 * const stored = await encryptEvent(event, keys);
 */
export class KeyStore implements DataKeys {
  private readonly cache: KeyCache;
  private readonly inflight = new Map<string, Promise<KeyObject>>();
  private readonly secrets = new Map<string, Promise<KeyObject>>();
  /** bumped by every erasure seen, so a lookup that raced one does not cache a live key */
  private generation = 0;
  private checking: Promise<void> | null = null;
  private checkAgain = false;
  private unlisten: (() => Promise<void>) | null = null;

  private constructor(
    private readonly db: Kysely<unknown>,
    private readonly master: MasterKey,
    readonly schema: string,
    cache: KeyCacheOptions | undefined,
    private readonly logger: Logger | undefined,
    private readonly hooks: KeyStoreOptions['hooks'] = {},
  ) {
    this.cache = new KeyCache(cache);
  }

  /**
   * Creates the schema if needed and checks the master key against the stored key-check value
   * (the first open stores it).
   *
   * @throws {WrongMasterKeyError} the store was made with another master key: the start must stop
   */
  static async open(db: Kysely<unknown>, options: KeyStoreOptions): Promise<KeyStore> {
    const schema = options.schema ?? KEY_STORE_SCHEMA;
    await migrateKeyStore(db, schema);
    const master = await checkMasterKey(db, schema, options.masterKey);
    const store = new KeyStore(db, master, schema, options.cache, options.logger, options.hooks);
    if (options.listen) store.unlisten = await options.listen(store.channel, () => void store.recheck());
    return store;
  }

  /** The NOTIFY channel of erasures in this store. */
  get channel(): string {
    return `${this.schema}_erased`;
  }

  /** The public id of the master key in use. */
  get masterKeyId(): string {
    return this.master.id;
  }

  async keyForWrite(subjectId: string): Promise<KeyObject> {
    const cached = this.cache.get(subjectId);
    if (cached?.state === 'active') return cached.key;
    if (cached?.state === 'erased') throw new PatientErasedError(subjectId);
    let pending = this.inflight.get(subjectId);
    if (!pending) {
      pending = this.createOrRead(subjectId).finally(() => this.inflight.delete(subjectId));
      this.inflight.set(subjectId, pending);
    }
    return pending;
  }

  /**
   * `keyForWrite` for many subjects at once: the missing keys are created in ONE transaction
   * (a bulk writer such as the legacy import would otherwise pay one transaction per new
   * patient, a thousand for a thousand patients).
   *
   * @example const keys = await keyStore.keysForWrite(['p1', 'p2']); keys.get('p1') // KeyObject
   * @throws {PatientErasedError} for the first of them that was erased
   */
  async keysForWrite(subjectIds: readonly string[]): Promise<ReadonlyMap<string, KeyObject>> {
    const found = new Map<string, KeyObject>();
    const misses: string[] = [];
    for (const subject of new Set(subjectIds)) {
      const cached = this.cache.get(subject);
      if (cached?.state === 'erased') throw new PatientErasedError(subject);
      if (cached?.state === 'active') found.set(subject, cached.key);
      else misses.push(subject);
    }
    if (misses.length === 0) return found;
    const generation = this.generation;
    const states = await this.db.transaction().execute(async (trx) => {
      await this.lockMasterKey(trx);
      const fresh = misses.map((subjectId) => ({ subjectId, key: newDataKey() }));
      const wrapped = fresh.map(({ subjectId, key }) =>
        wrapKey(this.master, { kind: 'data-key', subjectId }, key).toString('hex'),
      );
      const { rows: inserted } = await sql<{ subject_id: string }>`
        INSERT INTO ${this.table('data_keys')} (subject_id, wrapped_key, master_key_id)
        SELECT u.subject_id, decode(u.wrapped, 'hex'), ${this.master.id}
        FROM unnest(${misses}::text[], ${wrapped}::text[]) AS u(subject_id, wrapped)
        ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id`.execute(trx);
      await this.hooks?.beforeCreateCommit?.();
      const created = new Set(inserted.map((row) => row.subject_id));
      const result = new Map<string, KeyState>(
        fresh.filter((f) => created.has(f.subjectId)).map((f) => [f.subjectId, { state: 'active', key: f.key }]),
      );
      const existing = misses.filter((subject) => !created.has(subject));
      if (existing.length > 0) {
        const { rows } = await sql<KeyRow>`
          SELECT subject_id, encode(wrapped_key, 'hex') AS wrapped_key, master_key_id, erased_at
          FROM ${this.table('data_keys')} WHERE subject_id = ANY(${existing}::text[])`.execute(trx);
        for (const row of rows) result.set(row.subject_id, this.stateOf(row));
      }
      return result;
    });
    for (const [subject, state] of states) this.remember(subject, state, generation);
    for (const subject of misses) {
      const state = states.get(subject);
      if (state?.state !== 'active') throw new PatientErasedError(subject);
      found.set(subject, state.key);
    }
    return found;
  }

  async keysForRead(subjectIds: readonly string[]): Promise<ReadonlyMap<string, KeyState>> {
    const found = new Map<string, KeyState>();
    const misses: string[] = [];
    for (const subject of new Set(subjectIds)) {
      const cached = this.cache.get(subject);
      if (cached) found.set(subject, cached);
      else misses.push(subject);
    }
    if (misses.length === 0) return found;
    const generation = this.generation;
    const { rows } = await sql<KeyRow>`
      SELECT subject_id, encode(wrapped_key, 'hex') AS wrapped_key, master_key_id, erased_at
      FROM ${this.table('data_keys')} WHERE subject_id = ANY(${misses}::text[])`.execute(this.db);
    for (const row of rows) {
      const state = this.stateOf(row);
      found.set(row.subject_id, state);
      this.remember(row.subject_id, state, generation);
    }
    return found;
  }

  /**
   * Destroys a subject's data key for good: the wrapped key is removed, `erased_at` kept (also
   * for a subject that never had a key, so none is made later). Idempotent. Other processes
   * are told through NOTIFY when the transaction commits.
   */
  async destroy(subjectId: string): Promise<Erasure> {
    const erasure = await this.db.transaction().execute(async (trx) => {
      const before = await sql<{ erased: boolean }>`
        SELECT erased_at IS NOT NULL AS erased FROM ${this.table('data_keys')} WHERE subject_id = ${subjectId} FOR UPDATE`.execute(
        trx,
      );
      const { rows } = await sql<{ erased_at: Date | string }>`
        INSERT INTO ${this.table('data_keys')} AS k (subject_id, wrapped_key, master_key_id, erased_at)
        VALUES (${subjectId}, NULL, NULL, now())
        ON CONFLICT (subject_id) DO UPDATE
          SET wrapped_key = NULL, master_key_id = NULL, erased_at = COALESCE(k.erased_at, EXCLUDED.erased_at)
        RETURNING erased_at`.execute(trx);
      await sql`SELECT pg_notify(${this.channel}, '')`.execute(trx);
      return { erasedAt: new Date(rows[0]!.erased_at), alreadyErased: before.rows[0]?.erased === true };
    });
    this.forget(subjectId);
    this.cache.set(subjectId, { state: 'erased' });
    return erasure;
  }

  /**
   * Drops a subject from this process's cache (the engine calls it on reading `PatientErased`,
   * so no key cached before the erasure opens a later event).
   */
  forget(subjectId: string): void {
    this.generation++;
    this.cache.delete(subjectId);
  }

  /**
   * A named 256-bit secret of the service (e.g. the export pseudonym key), made on first use
   * and wrapped by the master key like the data keys, so every instance shares it and a
   * rotation keeps it.
   */
  secret(name: string): Promise<KeyObject> {
    let pending = this.secrets.get(name);
    if (!pending) {
      pending = this.createOrReadSecret(name);
      pending.catch(() => this.secrets.delete(name));
      this.secrets.set(name, pending);
    }
    return pending;
  }

  /** Counts, for operators: live data keys, erased subjects, secrets. */
  async status(): Promise<{ masterKeyId: string; dataKeys: number; erased: number; secrets: number }> {
    const { rows } = await sql<{ live: string | number; erased: string | number; secrets: string | number }>`
      SELECT (SELECT count(*) FROM ${this.table('data_keys')} WHERE erased_at IS NULL)::text AS live,
             (SELECT count(*) FROM ${this.table('data_keys')} WHERE erased_at IS NOT NULL)::text AS erased,
             (SELECT count(*) FROM ${this.table('secrets')})::text AS secrets`.execute(this.db);
    const row = rows[0]!;
    return {
      masterKeyId: this.master.id,
      dataKeys: Number(row.live),
      erased: Number(row.erased),
      secrets: Number(row.secrets),
    };
  }

  /** Every erased subject (whose key was destroyed), oldest erasure first: for the start-up check of interrupted erasures. */
  async erasedSubjects(): Promise<string[]> {
    const { rows } = await sql<{ subject_id: string }>`
      SELECT subject_id FROM ${this.table('data_keys')} WHERE erased_at IS NOT NULL ORDER BY erased_at, subject_id`.execute(
      this.db,
    );
    return rows.map((r) => r.subject_id);
  }

  /** Stops listening and forgets every unwrapped key. */
  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    this.cache.clear();
    this.secrets.clear();
  }

  private async createOrRead(subjectId: string): Promise<KeyObject> {
    const generation = this.generation;
    const state = await this.db.transaction().execute(async (trx) => {
      await this.lockMasterKey(trx);
      const key = newDataKey();
      const wrapped = wrapKey(this.master, { kind: 'data-key', subjectId }, key).toString('hex');
      const inserted = await sql`
        INSERT INTO ${this.table('data_keys')} (subject_id, wrapped_key, master_key_id)
        VALUES (${subjectId}, decode(${wrapped}, 'hex'), ${this.master.id})
        ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id`.execute(trx);
      await this.hooks?.beforeCreateCommit?.();
      if (inserted.rows.length === 1) return { state: 'active', key } as const;
      const { rows } = await sql<KeyRow>`
        SELECT subject_id, encode(wrapped_key, 'hex') AS wrapped_key, master_key_id, erased_at
        FROM ${this.table('data_keys')} WHERE subject_id = ${subjectId}`.execute(trx);
      return this.stateOf(rows[0]!);
    });
    this.remember(subjectId, state, generation);
    if (state.state === 'erased') throw new PatientErasedError(subjectId);
    return state.key;
  }

  private async createOrReadSecret(name: string): Promise<KeyObject> {
    const label: WrapLabel = { kind: 'secret', name };
    const row = await this.db.transaction().execute(async (trx) => {
      await this.lockMasterKey(trx);
      const wrapped = wrapKey(this.master, label, newDataKey()).toString('hex');
      await sql`INSERT INTO ${this.table('secrets')} (name, wrapped_key, master_key_id)
        VALUES (${name}, decode(${wrapped}, 'hex'), ${this.master.id}) ON CONFLICT (name) DO NOTHING`.execute(trx);
      const { rows } = await sql<{ wrapped_key: string; master_key_id: string }>`
        SELECT encode(wrapped_key, 'hex') AS wrapped_key, master_key_id FROM ${this.table('secrets')} WHERE name = ${name}`.execute(
        trx,
      );
      return rows[0]!;
    });
    if (row.master_key_id !== this.master.id) throw new MasterKeyRotatedError(row.master_key_id, this.master.id);
    const key = unwrapKey(this.master, label, Buffer.from(row.wrapped_key, 'hex'));
    if (!key) throw new KeyStoreCorruptError(`secret ${name}`);
    return key;
  }

  /**
   * Shares the master-key row for the transaction, so a rotation (which updates it) either ran
   * before, and this process must not wrap under a retired key, or waits until this key is
   * written and then re-wraps it too.
   */
  private async lockMasterKey(trx: Kysely<unknown>): Promise<void> {
    const { rows } = await sql<{ key_id: string }>`
      SELECT key_id FROM ${this.table('master_key')} WHERE id = 1 FOR SHARE`.execute(trx);
    const current = rows[0]?.key_id ?? '(none)';
    if (current !== this.master.id) throw new MasterKeyRotatedError(current, this.master.id);
  }

  private stateOf(row: KeyRow): KeyState {
    if (row.erased_at !== null || row.wrapped_key === null) return { state: 'erased' };
    if (row.master_key_id !== this.master.id)
      throw new MasterKeyRotatedError(row.master_key_id ?? '(none)', this.master.id);
    const key = unwrapKey(
      this.master,
      { kind: 'data-key', subjectId: row.subject_id },
      Buffer.from(row.wrapped_key, 'hex'),
    );
    if (!key) throw new KeyStoreCorruptError(`subject ${row.subject_id}`);
    return { state: 'active', key };
  }

  /** Caches a state unless an erasure was seen since the lookup began (it may be stale). */
  private remember(subjectId: string, state: KeyState, generation: number): void {
    if (state.state === 'erased' || generation === this.generation) this.cache.set(subjectId, state);
  }

  /** On an erasure notice (or a listener reconnect): evict every cached key whose subject was erased. */
  private recheck(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.generation++;
    this.checking = (async () => {
      do {
        this.checkAgain = false;
        const subjects = this.cache.activeSubjects();
        if (subjects.length === 0) continue;
        try {
          const { rows } = await sql<{ subject_id: string }>`
            SELECT subject_id FROM ${this.table('data_keys')}
            WHERE erased_at IS NOT NULL AND subject_id = ANY(${subjects}::text[])`.execute(this.db);
          for (const row of rows) this.cache.set(row.subject_id, { state: 'erased' });
        } catch (error) {
          this.logger?.warn({ err: String(error) }, 'key store: erasure check failed; dropping every cached key');
          this.cache.clear();
        }
      } while (this.checkAgain);
    })().finally(() => (this.checking = null));
    return this.checking;
  }

  private table(name: string) {
    return sql.id(this.schema, name);
  }
}

/** Stores the key-check value on first open; refuses another master key afterwards. */
async function checkMasterKey(
  db: Kysely<unknown>,
  schema: string,
  given: KeyStoreOptions['masterKey'],
): Promise<MasterKey> {
  const table = (name: string) => sql.id(schema, name);
  await sql`INSERT INTO ${table('master_key')} (id, key_id, key_check)
    SELECT 1, ${given.key.id}, ${given.key.check}
    WHERE NOT EXISTS (SELECT 1 FROM ${table('data_keys')} WHERE master_key_id IS NOT NULL)
    ON CONFLICT (id) DO NOTHING`.execute(db);
  const { rows } = await sql<{
    key_id: string;
    key_check: string;
  }>`SELECT key_id, key_check FROM ${table('master_key')} WHERE id = 1`.execute(db);
  const stored = rows[0];
  if (stored?.key_check === given.key.check) return given.key;
  if (stored && given.pending && stored.key_check === given.pending.key.check) {
    await given.pending.promote(); // a rotation committed, then died before installing its key file
    return given.pending.key;
  }
  const { rows: orphan } = stored
    ? { rows: [] }
    : await sql<{
        master_key_id: string;
      }>`SELECT master_key_id FROM ${table('data_keys')} WHERE master_key_id IS NOT NULL LIMIT 1`.execute(db);
  throw new WrongMasterKeyError(
    schema,
    stored?.key_id ?? orphan[0]?.master_key_id ?? '(unknown)',
    given.key.id,
    given.origin,
  );
}
