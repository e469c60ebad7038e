import { sql, type Kysely } from 'kysely';
import { ENGINE_SCHEMA } from './engine-schema.js';

const leases = sql.id(ENGINE_SCHEMA, 'leases');
const checkpoints = sql.id(ENGINE_SCHEMA, 'checkpoints');

/**
 * Takes or renews the leases of `names` for `owner`: free, expired or already ours. A newly
 * taken lease gets a higher fence, written onto the checkpoint so the previous holder's next
 * write fails (`LostTurn`). Returns the fence of every lease now held.
 */
export async function acquireLeases(
  db: Kysely<unknown>,
  owner: string,
  names: readonly string[],
  ttlMs: number,
): Promise<Map<string, bigint>> {
  return db.transaction().execute((trx) => acquireIn(trx, owner, names, ttlMs));
}

async function acquireIn(
  db: Kysely<unknown>,
  owner: string,
  names: readonly string[],
  ttlMs: number,
): Promise<Map<string, bigint>> {
  await sql`INSERT INTO ${leases} (name) SELECT unnest(${[...names]}::text[]) ON CONFLICT (name) DO NOTHING`.execute(
    db,
  );
  const { rows } = await sql<{ name: string; fence: string; renewed: boolean }>`
    UPDATE ${leases} l SET
      fence = CASE WHEN l.owner IS NOT DISTINCT FROM ${owner} THEN l.fence ELSE l.fence + 1 END,
      owner = ${owner},
      expires_at = now() + make_interval(secs => ${ttlMs / 1000})
    FROM (SELECT name, owner IS NOT DISTINCT FROM ${owner} AS renewed FROM ${leases}) prior
    WHERE l.name = prior.name AND l.name = ANY(${[...names]}::text[])
      AND (l.owner IS NULL OR l.owner = ${owner} OR l.expires_at < now())
    RETURNING l.name, l.fence::text AS fence, prior.renewed`.execute(db);
  const taken = rows.filter((r) => !r.renewed);
  for (const r of taken) {
    await sql`UPDATE ${checkpoints} SET fence = ${r.fence}::bigint WHERE name = ${r.name}`.execute(db);
  }
  return new Map(rows.map((r) => [r.name, BigInt(r.fence)]));
}

/** Gives up leases (a clean stop), so another instance takes over at once. */
export async function releaseLeases(db: Kysely<unknown>, owner: string, names: readonly string[]): Promise<void> {
  await sql`UPDATE ${leases} SET owner = NULL, expires_at = NULL
    WHERE owner = ${owner} AND name = ANY(${[...names]}::text[])`.execute(db);
}
