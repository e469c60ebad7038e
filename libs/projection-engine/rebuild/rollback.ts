import { RebuildInProgress } from '../errors.js';
import type { Projection } from '../projection.js';
import { loadRebuild, markRolledBack } from './rebuild-state.js';
import { swapBack } from './swap.js';
import type { ProjectionAdminOptions } from './admin-options.js';

/** What a rollback restored: the checkpoint and fingerprint of the previous tables. */
export type RollbackResult = { name: string; position: string | null; fingerprint: string };

/**
 * Swaps the previous tables back in (one transaction) and marks the rebuild rolled back; the
 * runner catches them up. Refused while a rebuild of the projection is running.
 */
export async function rollbackProjection(
  options: ProjectionAdminOptions,
  projection: Projection,
): Promise<RollbackResult> {
  const { db } = options;
  const name = projection.name;
  const running = await loadRebuild(db, name, options.heartbeatTimeoutMs);
  if (running && ['building', 'verifying', 'swapping'].includes(running.state)) throw new RebuildInProgress(name);
  const result = await swapBack(db, projection);
  await markRolledBack(db, name);
  return { name, ...result };
}
