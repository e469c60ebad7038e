import type { Kysely } from 'kysely';
import type { Projection, ProjectionRunner } from '../../../libs/projection-engine/index.js';
import { registerProjection } from '../../../libs/projection-engine/checkpoints.js';
import { migrateEngine } from '../../../libs/projection-engine/engine-schema.js';

/**
 * For a process that serves queries but runs no projections (role `api`): creates the engine's
 * tables and each projection's read tables and checkpoint row if no projector has yet, so
 * queries answer (empty) before the first projector starts. Idempotent, as the runner's own start.
 */
export async function ensureProjectionTables(
  db: Kysely<unknown>,
  projections: readonly Projection[],
  runner: ProjectionRunner,
): Promise<void> {
  await migrateEngine(db);
  for (const projection of projections) await registerProjection(db, projection, runner.fingerprint(projection.name));
}
