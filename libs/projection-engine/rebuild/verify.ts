import { sql } from 'kysely';
import type { Position } from '../../event-store/index.js';
import { checkSchema, LIVE_SCHEMA } from '../engine-schema.js';
import { livePosition, lockCheckpoint } from '../checkpoints.js';
import type { Projection } from '../projection.js';
import { schemaDifferences, type TableDifference } from './compare.js';
import { createProjectionSchema, replayInto } from './replay.js';
import { batchSizeOf, type ProjectionAdminOptions } from './admin-options.js';

/** The outcome of a verification: the rows that differ from an independent replay. */
export type VerifyReport = { name: string; position: string | null; matches: boolean; differences: TableDifference[] };

/** Rounds of "replay up to the checkpoint, then compare" before giving up on a busy projection. */
const ATTEMPTS = 50;

/**
 * Replays the history into a check schema and reports every row that differs from the live
 * table; changes nothing. The replay runs outside any transaction (the store may share this
 * database's one connection) exactly up to the live checkpoint; the comparison then holds the
 * checkpoint still, and replays further first if the runner moved it meanwhile.
 */
export async function verifyProjection(options: ProjectionAdminOptions, projection: Projection): Promise<VerifyReport> {
  const { db, store, context, opener } = options;
  const name = projection.name;
  const scratch = checkSchema(name);
  const cache = await createProjectionSchema(db, scratch, projection, { indexes: false, unlogged: true });
  try {
    let replayed: 'start' | Position = 'start';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const live = await livePosition(db, name);
      if (live !== null)
        replayed = await replayInto(db, store, projection, context, scratch, {
          from: replayed,
          upTo: live,
          batchSize: batchSizeOf(options),
          cache,
          opener,
        });
      const report = await db.transaction().execute(async (trx) => {
        const now = await lockCheckpoint(trx, name);
        if (now !== (live === null ? null : live.toString())) return null; // moved on: replay further
        const differences = await schemaDifferences(trx, LIVE_SCHEMA, scratch, projection);
        return { name, position: now, matches: differences.length === 0, differences };
      });
      if (report) return report;
    }
    throw new Error(`projection ${name} kept moving; retry the verification`);
  } finally {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(scratch)} CASCADE`.execute(db);
  }
}
