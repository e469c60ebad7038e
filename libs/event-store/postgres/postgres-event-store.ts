import { sql } from 'kysely';
import type { EventStore } from '../event-store.js';
import { classifyBatchFailure, commitBatch, prepareAppend, unwrapOutcome, type AppendHooks } from './append.js';
import { translateConnectionErrors } from './connection-errors.js';
import { GroupCommit, type BatchReport, type GroupCommitLimits } from './group-commit.js';
import {
  countEventsAfter,
  readAllEvents,
  readDecisionState,
  readHeadPosition,
  readStreamEvents,
  readStreamsEvents,
} from './read.js';
import { migrateEventStore } from './schema.js';
import type { SqlConnection } from './sql-connection.js';
import { subscribeByPaging, subscribeWithCheckpoints, type SubscriptionDeps } from './subscribe.js';

export type PostgresEventStoreOptions = {
  connection: SqlConnection;
  /** PostgreSQL schema holding the log; default `caretrack_events` */
  schema?: string;
  /** events per subscription page; default 500 */
  pageSize?: number;
  /** longest a live subscription waits without a notification before re-reading; default 5000 */
  idleMs?: number;
  logger?: { warn(obj: object, msg: string): void };
  /** test seams (see `AppendHooks`); never set in production */
  appendHooks?: AppendHooks;
  /** group commit's caps (defaults: 1 batch in flight, 1,000 events and 4 Mi characters per batch) */
  groupCommit?: Partial<GroupCommitLimits>;
  /** called after every batch committed or failed (metrics) */
  onBatch?: (report: BatchReport) => void;
};

/** Group commit defaults: see `GroupCommitLimits`. */
export const DEFAULT_GROUP_COMMIT: GroupCommitLimits = { maxInFlight: 1, maxEvents: 1000, maxChars: 4 * 1024 * 1024 };

/**
 * The event log in PostgreSQL, on the server (pg) or embedded (PGlite) alike. Runs its
 * migration before returning.
 *
 * @example
 * const store = await createPostgresEventStore({ connection: await openDatabase({ kind: 'embedded', dataDir: './data' }) });
 */
export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const { connection } = options;
  const db = connection.db;
  const schema = options.schema ?? 'caretrack_events';
  const channel = `${schema}_appended`;
  await translateConnectionErrors(() => migrateEventStore(db, schema));
  const subscriptionDeps: SubscriptionDeps = {
    readPage: (after, maxCount, eventTypes) => readAllEvents(db, schema, { fromPosition: after, maxCount, eventTypes }),
    readHead: () => readHeadPosition(db, schema),
    listen: (onWake) => connection.listen(channel, onWake),
    onRetry: (error, attempt) =>
      options.logger?.warn({ err: String(error), attempt }, 'subscription lost the database; retrying'),
    pageSize: options.pageSize ?? 500,
    idleMs: options.idleMs ?? 5000,
  };

  const group = new GroupCommit(
    (calls) => commitBatch(db, schema, calls, options.appendHooks, connection.kind === 'server' ? 'bytes' : 'string'),
    classifyBatchFailure,
    { ...DEFAULT_GROUP_COMMIT, ...options.groupCommit },
    options.onBatch,
  );

  return {
    appendToStream: async (stream, events, append = {}) => {
      const [outcome] = await group.submit([
        prepareAppend({ stream, events, expectedRevision: append.expectedRevision }),
      ]);
      return unwrapOutcome(outcome!);
    },
    appendToStreams: async (appends) => (appends.length === 0 ? [] : group.submit(appends.map(prepareAppend))),
    prepareAppends: (appends) => {
      const prepared = appends.map(prepareAppend);
      return async () => (prepared.length === 0 ? [] : group.submit(prepared));
    },
    readStream: (stream, read) => translateConnectionErrors(() => readStreamEvents(db, schema, stream, read)),
    readStreams: (streams) => translateConnectionErrors(() => readStreamsEvents(db, schema, streams)),
    readForDecision: (stream, read) => translateConnectionErrors(() => readDecisionState(db, schema, stream, read)),
    readAll: (read) => translateConnectionErrors(() => readAllEvents(db, schema, read)),
    countEvents: (count) => translateConnectionErrors(() => countEventsAfter(db, schema, count)),
    headPosition: () => translateConnectionErrors(() => readHeadPosition(db, schema)),
    subscribeToAll: (subscribe) => subscribeByPaging(subscriptionDeps, subscribe),
    subscribeToAllWithCheckpoints: (subscribe) => subscribeWithCheckpoints(subscriptionDeps, subscribe),
    streamHeads: () =>
      translateConnectionErrors(async () => {
        const { rows } = await sql<{
          stream_id: string;
          revision: string;
          hash: string;
        }>`SELECT stream_id, revision::text AS revision, hash
          FROM ${sql.id(schema, 'streams')}`.execute(db);
        return rows.map((r) => ({ stream: r.stream_id, revision: BigInt(r.revision), hash: r.hash }));
      }),
    ping: () => translateConnectionErrors(async () => void (await sql`SELECT 1`.execute(db))),
    // The connection belongs to whoever opened it.
    close: async () => undefined,
  };
}
