import type { Kysely } from 'kysely';
import type { EventStore } from '../../event-store/index.js';
import type { Projection, ProjectionContext } from '../projection.js';
import type { ConfigTexts } from '../fingerprint.js';
import type { EventOpener } from '../open-events.js';

/** What the runner logs: lease trouble, faults, takeovers, retries. */
export type RunnerLogger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

/**
 * Told of every batch committed to a projection's live tables with its checkpoint (the API's
 * `AppMetrics` implements it: `apps/api/metrics/observers.ts`, `ProjectionMetrics`).
 */
export type BatchObserver = { batchApplied(projection: string, events: number, seconds: number): void };

/** What a `ProjectionRunner` is given. */
export type RunnerOptions = {
  db: Kysely<unknown>;
  store: EventStore;
  projections: readonly Projection[];
  context: ProjectionContext;
  configTexts: ConfigTexts;
  logger: RunnerLogger;
  /** decrypts each batch once before any projection sees it (`keyStoreOpener(keyStore)`; specs: `plaintextOpener()`) */
  opener: EventOpener;
  /** unique per process; default host-pid-random */
  owner?: string;
  /** how long a lease lives without renewal (another instance takes over after it); default 10 s */
  leaseTtlMs?: number;
  /** how often leases are renewed or sought; default 2 s */
  leaseRenewMs?: number;
  /**
   * most events per batch, i.e. per transaction of each projection; default 10,000. Batches
   * take only what has been read already, so they are this large while catching up and a few
   * events when live.
   */
  batchSize?: number;
  /** events per read of the log while catching up; default 5,000 */
  pageSize?: number;
  /** rows each projection's cache keeps across batches; default 8,000 (see README "Memory of the projecting process") */
  cacheRows?: number;
  /** apply the projections of a batch concurrently, each on its own connection (default: true on the server, false on PGlite) */
  concurrent?: boolean;
  /** live traffic: least time from one small batch to the next, so events gather; default 20 ms */
  liveBatchIntervalMs?: number;
  /**
   * Least time between two checkpoint-only writes of a projection (a store checkpoint past
   * events it does not handle); default 5 s. They spare a restart from rescanning the log.
   */
  idleCheckpointMs?: number;
  /** told of each batch committed to the live tables (events, seconds); checkpoint-only writes are not batches */
  metrics?: BatchObserver;
};

/** `RunnerOptions`' tunables with their defaults filled in, read once when the runner is made. */
export type RunnerSettings = {
  leaseTtlMs: number;
  leaseRenewMs: number;
  batchSize: number;
  pageSize: number;
  cacheRows: number;
  concurrent: boolean;
  liveBatchIntervalMs: number;
  idleCheckpointMs: number;
};

/** Fills in the defaults documented on `RunnerOptions`. */
export function settingsOf(options: RunnerOptions): RunnerSettings {
  return {
    leaseTtlMs: options.leaseTtlMs ?? 10_000,
    leaseRenewMs: options.leaseRenewMs ?? 2000,
    batchSize: options.batchSize ?? 10_000,
    pageSize: options.pageSize ?? 5000,
    cacheRows: options.cacheRows ?? 8_000,
    concurrent: options.concurrent ?? true,
    liveBatchIntervalMs: options.liveBatchIntervalMs ?? 20,
    idleCheckpointMs: options.idleCheckpointMs ?? 5000,
  };
}
