import { sql } from 'kysely';
import type { EventStore } from '../event-store.js';
import { appendEvents, type AppendHooks } from './append.js';
import { translateConnectionErrors } from './connection-errors.js';
import { countEventsAfter, readAllEvents, readHeadPosition, readStreamEvents } from './read.js';
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
};

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
    onRetry: (error, attempt) => options.logger?.warn({ err: String(error), attempt }, 'subscription lost the database; retrying'),
    pageSize: options.pageSize ?? 500,
    idleMs: options.idleMs ?? 5000,
  };

  return {
    appendToStream: (stream, events, append = {}) =>
      translateConnectionErrors(() => appendEvents(db, schema, channel, stream, events, append.expectedRevision ?? 'any', options.appendHooks)),
    readStream: (stream, read) => translateConnectionErrors(() => readStreamEvents(db, schema, stream, read)),
    readAll: (read) => translateConnectionErrors(() => readAllEvents(db, schema, read)),
    countEvents: (count) => translateConnectionErrors(() => countEventsAfter(db, schema, count)),
    headPosition: () => translateConnectionErrors(() => readHeadPosition(db, schema)),
    subscribeToAll: (subscribe) => subscribeByPaging(subscriptionDeps, subscribe),
    subscribeToAllWithCheckpoints: (subscribe) => subscribeWithCheckpoints(subscriptionDeps, subscribe),
    streamHeads: () =>
      translateConnectionErrors(async () => {
        const { rows } = await sql<{ stream_id: string; revision: string; hash: string }>`SELECT stream_id, revision::text AS revision, hash
          FROM ${sql.id(schema, 'streams')}`.execute(db);
        return rows.map((r) => ({ stream: r.stream_id, revision: BigInt(r.revision), hash: r.hash }));
      }),
    ping: () => translateConnectionErrors(async () => void (await sql`SELECT 1`.execute(db))),
    // The connection belongs to whoever opened it.
    close: async () => undefined,
  };
}
