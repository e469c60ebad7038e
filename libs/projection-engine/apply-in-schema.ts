import { sql, type Kysely } from 'kysely';

/**
 * Runs `work` in one transaction whose unqualified table names resolve to `schema`
 * (live tables: `public`; a rebuild: its shadow schema).
 */
export async function inSchema<T>(db: Kysely<unknown>, schema: string, work: (trx: Kysely<unknown>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('search_path', ${`"${schema}", public`}, true)`.execute(trx);
    return work(trx);
  });
}
