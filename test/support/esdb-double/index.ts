import { EventLog } from './log.js';
import { DoubleServer } from './server.js';
import { emptyStats, type DoubleStats } from './stats.js';

export type { DoubleStats } from './stats.js';

export type EsdbDouble = {
  /** connection string for `@eventstore/db-client` (`esdb://127.0.0.1:<port>?tls=false`) */
  url: string;
  stop(): Promise<void>;
  /** Drops every client connection and call (a node restart that keeps its data). */
  dropConnections(): Promise<void>;
  /** counts of the requests served so far */
  readonly stats: DoubleStats;
};

export type EsdbDoubleOptions = {
  /** advertise and serve `Streams/BatchAppend` (ESDB ≥ 21.10); default true. False: `Append` only, like 20.x */
  batchAppend?: boolean;
  /** how often the node writes a `$statsCollected` system event; default 1000 ms (ESDB: 30 s); null: never */
  statsIntervalMs?: number | null;
  /** refuse appends carrying more bytes than this (ESDB's `MaxAppendSize`, default 1 MiB there); default: no limit */
  maxAppendSize?: number;
  /** imitate KDB-744: end every filtered catch-up with the checkpoint (2^64−1, 2^64−1); default false */
  kdb744?: boolean;
};

/**
 * Starts an in-process EventStoreDB gRPC test double (see docs/esdb-test-double.md for what
 * it serves and where it may differ from a real node). Its $all already holds a few system
 * records, as a fresh node's does, and it keeps writing `$statsCollected` events.
 *
 * @example
 * const esdb = await startEsdbDouble();
 * const store = await createEsdbEventStore({ connectionString: esdb.url });
 * // …
 * await store.close();
 * await esdb.stop();
 */
export async function startEsdbDouble(options: EsdbDoubleOptions = {}): Promise<EsdbDouble> {
  const log = new EventLog();
  seedSystemRecords(log);
  const stats = emptyStats();
  const server = new DoubleServer(
    log,
    stats,
    options.batchAppend ?? true,
    { maxAppendSize: options.maxAppendSize ?? null },
    { kdb744: options.kdb744 ?? false },
  );
  await server.start();
  const statsIntervalMs = options.statsIntervalMs === undefined ? 1000 : options.statsIntervalMs;
  const ticker =
    statsIntervalMs === null
      ? null
      : setInterval(
          () => log.appendSystem('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-mem': process.memoryUsage().rss }),
          statsIntervalMs,
        );
  ticker?.unref();
  return {
    url: `esdb://${server.address}?tls=false`,
    stop: async () => {
      if (ticker) clearInterval(ticker);
      await server.stop();
    },
    dropConnections: () => server.restart(),
    stats,
  };
}

/** Records a fresh node writes before any client does: its epoch, users and their index, settings. */
function seedSystemRecords(log: EventLog): void {
  // Never visible in $all, not even unfiltered (the server's default $all filter).
  log.appendSystem('$epoch-information', '$epoch-information', { epochNumber: 0 });
  log.appendSystem('$user-admin', '$user', {
    loginName: 'admin',
    fullName: 'Event Store Administrator',
    groups: ['$admins'],
  });
  log.appendSystem('$users', '$User', { loginName: 'admin' });
  log.appendSystem('$user-ops', '$user', { loginName: 'ops', fullName: 'Event Store Operations', groups: ['$ops'] });
  log.appendSystem('$users', '$User', { loginName: 'ops' });
  // A system stream whose event type has no `$`: a type filter alone would let it through.
  log.appendSystem('$settings', 'update-default-acl', {
    $userStreamAcl: { $r: '$all' },
    $systemStreamAcl: { $r: '$admins' },
  });
}
