import type { Kysely } from 'kysely';

/**
 * Runs a query handler's reads in one read-only REPEATABLE READ transaction, so an existence
 * check (404) and the rows it guards come from the same moment of the read tables.
 *
 * @example const page = await readSnapshot(db, async (trx) => { await requirePatient(trx, id); return timeline(trx, id); });
 */
export function readSnapshot<T>(db: Kysely<unknown>, read: (trx: Kysely<unknown>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
}
