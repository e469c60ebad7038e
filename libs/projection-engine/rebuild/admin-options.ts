import type { Kysely } from 'kysely';
import type { EventStore } from '../../event-store/index.js';
import type { Projection, ProjectionContext } from '../projection.js';
import type { EventOpener } from '../open-events.js';

/** What the admin logs: a rebuild's end, or its failure. */
export type AdminLogger = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

/** Everything rebuild, verify and rollback need, given once to `ProjectionAdmin`. */
export type ProjectionAdminOptions = {
  db: Kysely<unknown>;
  store: EventStore;
  projections: readonly Projection[];
  context: ProjectionContext;
  /** decrypts the replayed events, as the runner does */
  opener: EventOpener;
  fingerprintOf: (name: string) => string;
  /** this process, as in the rebuild's row */
  owner: string;
  logger: AdminLogger;
  /** events per rebuild transaction of the shadow (the verify fold takes 3/5 of it, plus one); default 10,000 */
  batchSize?: number;
  /** a rebuild silent this long is dead (its process was killed); default 15 s */
  heartbeatTimeoutMs?: number;
};

/** Events per rebuild (or verify) transaction: `batchSize`, default 10,000. */
export function batchSizeOf(options: ProjectionAdminOptions): number {
  return options.batchSize ?? 10_000;
}
