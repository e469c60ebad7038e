import type { Projection } from '../projection.js';
import { claimRebuild, loadRebuild, saveProgress, type RebuildProgress } from './rebuild-state.js';
import { RebuildInProgress, UnknownProjection } from '../errors.js';
import { describeFault } from '../fault.js';
import type { ProjectionAdminOptions } from './admin-options.js';
import { dropRebuildSchemas, rebuildProjection, type RebuildHooks } from './rebuild.js';
import { verifyProjection, type VerifyReport } from './verify.js';
import { rollbackProjection, type RollbackResult } from './rollback.js';

export type { ProjectionAdminOptions } from './admin-options.js';
export type { RebuildHooks } from './rebuild.js';
export type { VerifyReport } from './verify.js';

/**
 * Rebuild, verify and rollback of projections (SPEC §6), by name: this facade finds the
 * projection and delegates to `rebuild.ts` (shadow, verification, swap; in the background),
 * `verify.ts` and `rollback.ts`. A rebuild builds the rows in a shadow schema from position 0
 * while the live tables keep serving, verifies them against an independent replay, and only
 * then swaps them in, in one transaction.
 */
export class ProjectionAdmin {
  private readonly byName: Map<string, Projection>;
  private readonly tasks = new Map<string, Promise<void>>();

  constructor(private readonly options: ProjectionAdminOptions) {
    this.byName = new Map(options.projections.map((p) => [p.name, p]));
  }

  /** True when `name` is a registered projection. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Starts a rebuild in the background; resolves once it is claimed. */
  async startRebuild(name: string, hooks: RebuildHooks = {}): Promise<RebuildProgress> {
    const projection = this.projection(name);
    const { db, owner, logger } = this.options;
    if (!(await claimRebuild(db, name, owner, this.options.heartbeatTimeoutMs))) throw new RebuildInProgress(name);
    const task = rebuildProjection(this.options, projection, hooks).catch(async (error: unknown) => {
      logger.error({ projection: name, err: describeFault(error) }, 'rebuild failed');
      await saveProgress(db, name, owner, {
        state: 'failed',
        error: describeFault(error),
        finished: true,
      }).catch(() => undefined);
      await dropRebuildSchemas(db, name).catch(() => undefined);
    });
    this.tasks.set(name, task);
    return (await this.progress(name))!;
  }

  /** Resolves when this process's rebuild of `name` has ended (tests, CLI). */
  async settled(name: string): Promise<void> {
    await this.tasks.get(name);
  }

  /** The latest rebuild's progress, or null if there was none. */
  async progress(name: string): Promise<RebuildProgress | null> {
    this.projection(name);
    const row = await loadRebuild(this.options.db, name, this.options.heartbeatTimeoutMs);
    if (!row) return null;
    const { previousPosition: _p, previousFingerprint: _f, ...progress } = row;
    return progress;
  }

  /** Replays the history and reports every row that differs from the live table; changes nothing. */
  async verify(name: string): Promise<VerifyReport> {
    return verifyProjection(this.options, this.projection(name));
  }

  /** Swaps the previous tables back in (one transaction); the runner catches them up. */
  async rollback(name: string): Promise<RollbackResult> {
    return rollbackProjection(this.options, this.projection(name));
  }

  private projection(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) throw new UnknownProjection(name);
    return projection;
  }
}
