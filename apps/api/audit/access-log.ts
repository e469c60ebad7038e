import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { migrateSchema } from '../../../libs/read-store/migrate.js';

const SCHEMA = 'caretrack_audit';
const table = sql.id(SCHEMA, 'access_log');

/**
 * Advisory-lock class ("acce") under which entries are numbered: each insert takes it for its
 * own (one-statement) transaction, so ids are handed out in commit order and a reader paging by
 * id never passes an id whose entry commits later (the gap a plain sequence leaves).
 */
export const ACCESS_LOCK_CLASS = 0x61636365;

const migrations: Record<string, Migration> = {
  '0001_access_log': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE ${table} (
        id         bigserial PRIMARY KEY,
        at         timestamptz NOT NULL DEFAULT now(),
        key_id     text NOT NULL,
        role       text NOT NULL,
        method     text NOT NULL,
        endpoint   text NOT NULL,
        patient_id text,
        status     integer NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX access_log_patient ON ${table} (patient_id, id)`.execute(db);
      // Append-only: the table refuses UPDATE and DELETE (TRUNCATE too).
      await sql`CREATE FUNCTION ${sql.id(SCHEMA, 'access_log_append_only')}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$`.execute(db);
      await sql`CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ${sql.id(SCHEMA, 'access_log_append_only')}()`.execute(db);
      await sql`CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION ${sql.id(SCHEMA, 'access_log_append_only')}()`.execute(db);
    },
  },
};

/** One read of patient data. */
export type AccessRecord = {
  keyId: string;
  role: string;
  method: string;
  endpoint: string;
  patientId: string | null;
  status: number;
};

/** A recorded read, as auditors page through them. */
export type AccessEntry = AccessRecord & { id: string; at: string };

/** The append-only record of who read which patient's data (SPEC §7). */
export class AccessLog {
  private constructor(private readonly db: Kysely<unknown>) {}

  static async open(db: Kysely<unknown>): Promise<AccessLog> {
    await migrateSchema(db, SCHEMA, migrations, 'access log');
    return new AccessLog(db);
  }

  async record(entry: AccessRecord): Promise<void> {
    await recordAccess(this.db, entry);
  }

  /**
   * Oldest first, after the cursor `after` (an entry id), optionally for one patient. Ordered by
   * the numeric id (ids are given in commit order, see {@link ACCESS_LOCK_CLASS}), so paging with
   * `nextCursor` returns every entry exactly once.
   */
  async page(options: {
    after?: string;
    patientId?: string;
    limit: number;
  }): Promise<{ items: AccessEntry[]; nextCursor: string | null }> {
    // The text copy of the id has its own name: `ORDER BY id` would sort that text ('10' < '9').
    const { rows } = await sql<{
      entry_id: string;
      at: Date | string;
      key_id: string;
      role: string;
      method: string;
      endpoint: string;
      patient_id: string | null;
      status: number;
    }>`
      SELECT a.id::text AS entry_id, a.at, a.key_id, a.role, a.method, a.endpoint, a.patient_id, a.status FROM ${table} a
      WHERE a.id > ${options.after ?? '0'}::bigint ${options.patientId ? sql`AND a.patient_id = ${options.patientId}` : sql``}
      ORDER BY a.id LIMIT ${options.limit + 1}`.execute(this.db);
    const items = rows.slice(0, options.limit).map((r) => ({
      id: r.entry_id,
      at: new Date(r.at).toISOString(),
      keyId: r.key_id,
      role: r.role,
      method: r.method,
      endpoint: r.endpoint,
      patientId: r.patient_id,
      status: r.status,
    }));
    return { items, nextCursor: rows.length > options.limit ? items[items.length - 1]!.id : null };
  }
}

/**
 * Appends one entry in one statement that first takes the access-log lock: the id (from the
 * sequence) is drawn under the lock and the lock is held until commit, so ids follow commit order.
 * Exported for the test that holds an entry's transaction open.
 */
export async function recordAccess(db: Kysely<unknown>, entry: AccessRecord): Promise<void> {
  await sql`INSERT INTO ${table} (key_id, role, method, endpoint, patient_id, status)
    SELECT ${entry.keyId}, ${entry.role}, ${entry.method}, ${entry.endpoint}, ${entry.patientId}, ${entry.status}::integer
    FROM (SELECT pg_advisory_xact_lock(${ACCESS_LOCK_CLASS}, 0)) AS serialized`.execute(db);
}
