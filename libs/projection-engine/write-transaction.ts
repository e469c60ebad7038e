import { sql, type Kysely } from 'kysely';

/** Per database handle: whether it takes several statements in one simple query (pg: yes; PGlite: no). */
const multiStatement = new WeakMap<Kysely<unknown>, boolean>();

/**
 * Runs `work` in one transaction committed asynchronously (`synchronous_commit` off for this
 * transaction only): the write transaction of a batch of derived rows. A server crash can lose
 * the last batches' rows AND their checkpoint together (one transaction), and the runner
 * applies them again from the durable log — never half, never twice.
 *
 * On the PostgreSQL server `BEGIN` and `SET LOCAL` go in one round trip (one simple query):
 * while catching up, every round trip of a batch's transaction waits for the event loop,
 * which is busy folding the other projections' batches, so each statement saved shortens the
 * slowest projection's chain. PGlite's driver takes one statement per query: there, two.
 */
export async function inAsyncCommitTransaction<T>(
  db: Kysely<unknown>,
  work: (trx: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    await begin(db, conn);
    let result: T;
    try {
      result = await work(conn);
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw error;
    }
    await sql`COMMIT`.execute(conn);
    return result;
  });
}

async function begin(db: Kysely<unknown>, conn: Kysely<unknown>): Promise<void> {
  if (multiStatement.get(db) !== false) {
    try {
      await sql.raw('BEGIN; SET LOCAL synchronous_commit TO OFF').execute(conn);
      multiStatement.set(db, true);
      return;
    } catch (error) {
      // 42601: "cannot insert multiple commands into a prepared statement" (extended protocol)
      if (multiStatement.get(db) === true || (error as { code?: unknown }).code !== '42601') throw error;
      multiStatement.set(db, false);
    }
  }
  await sql`BEGIN`.execute(conn);
  await sql`SET LOCAL synchronous_commit TO OFF`.execute(conn);
}
