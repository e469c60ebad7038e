import { sql, type Kysely } from 'kysely';
import { ENGINE_SCHEMA } from '../../../libs/projection-engine/index.js';

/** The fingerprint each projection's live rows were built with. */
export async function loadPositionsFingerprints(
  db: Kysely<unknown>,
  names: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await sql<{
    name: string;
    fingerprint: string;
  }>`SELECT name, fingerprint FROM ${sql.id(ENGINE_SCHEMA, 'checkpoints')}
    WHERE name = ANY(${[...names]}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.name, r.fingerprint]));
}
