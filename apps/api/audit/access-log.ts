import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { migrateSchema } from '../../../libs/read-store/migrate.js';

const SCHEMA = 'caretrack_audit';
const table = sql.id(SCHEMA, 'access_log');

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
export type AccessRecord = { keyId: string; role: string; method: string; endpoint: string; patientId: string | null; status: number };

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
    await sql`INSERT INTO ${table} (key_id, role, method, endpoint, patient_id, status)
      VALUES (${entry.keyId}, ${entry.role}, ${entry.method}, ${entry.endpoint}, ${entry.patientId}, ${entry.status})`.execute(this.db);
  }

  /** Oldest first, after the cursor `after` (an entry id), optionally for one patient. */
  async page(options: { after?: string; patientId?: string; limit: number }): Promise<{ items: AccessEntry[]; nextCursor: string | null }> {
    const { rows } = await sql<{ id: string; at: Date | string; key_id: string; role: string; method: string; endpoint: string; patient_id: string | null; status: number }>`
      SELECT id::text AS id, at, key_id, role, method, endpoint, patient_id, status FROM ${table}
      WHERE id > ${options.after ?? '0'}::bigint ${options.patientId ? sql`AND patient_id = ${options.patientId}` : sql``}
      ORDER BY id LIMIT ${options.limit + 1}`.execute(this.db);
    const items = rows.slice(0, options.limit).map((r) => ({
      id: r.id,
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
