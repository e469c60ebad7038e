import { sql, type Kysely } from 'kysely';

/**
 * Runs `work` in one transaction whose unqualified table names resolve to `schema`
 * (live tables: `public`; a rebuild: its shadow schema). Inside a caller's transaction it
 * joins it (the search path then holds until that transaction ends).
 */
export async function inSchema<T>(
  db: Kysely<unknown>,
  schema: string,
  work: (trx: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  const run = async (trx: Kysely<unknown>) => {
    await sql`SELECT set_config('search_path', ${`"${schema}", public`}, true)`.execute(trx);
    return work(trx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
