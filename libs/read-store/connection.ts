import { mkdir } from 'node:fs/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { PgListener } from './pg-listener.js';

type Logger = { warn(obj: object, msg: string): void };

/**
 * An open database: the PostgreSQL server through a pg pool, or PGlite under a data
 * directory. It satisfies the event store's `SqlConnection` and carries the read tables.
 */
export interface DatabaseConnection<DB = unknown> {
  readonly db: Kysely<DB>;
  readonly kind: 'server' | 'embedded';
  listen(channel: string, onWake: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type OpenDatabaseOptions =
  | { kind: 'server'; url: string; poolSize?: number; logger?: Logger }
  | { kind: 'embedded'; dataDir: string | null; logger?: Logger };

/**
 * Opens the database. `dataDir: null` keeps an embedded database in memory (tests only).
 *
 * @example
 * const conn = await openDatabase({ kind: 'server', url: 'postgres://postgres@127.0.0.1/test' });
 */
export async function openDatabase<DB = unknown>(options: OpenDatabaseOptions): Promise<DatabaseConnection<DB>> {
  return options.kind === 'server' ? openServer<DB>(options) : openEmbedded<DB>(options.dataDir);
}

function openServer<DB>(options: { url: string; poolSize?: number; logger?: Logger }): DatabaseConnection<DB> {
  // 20: the projection runner writes each projection of a batch on its own connection (11 of
  // them), beside the HTTP requests and the log's subscription.
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 20,
    // A server that stops answering (not refusing) must not hang every request that waits for a connection.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // A client that dies (server restart, failover, terminated backend) emits 'error'; without a
  // listener that ends the process. The pool listens only while a client is idle, so every client
  // gets its own listener too: a checked-out one fails its query instead, and the pool drops it.
  pool.on('error', () => undefined); // an idle client's loss: logged by the client's listener below
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger?.warn({ err: error.message }, 'database connection lost'));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const listener = new PgListener(options.url, options.logger);
  return {
    db,
    kind: 'server',
    listen: (channel, onWake) => listener.listen(channel, onWake),
    close: async () => {
      await listener.close();
      await db.destroy();
    },
  };
}

async function openEmbedded<DB>(dataDir: string | null): Promise<DatabaseConnection<DB>> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pglite = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  const callbacks = new Map<string, Set<() => void>>();
  const off = pglite.onNotification((channel) => callbacks.get(channel)?.forEach((wake) => wake()));
  return {
    db,
    kind: 'embedded',
    listen: async (channel, onWake) => {
      let set = callbacks.get(channel);
      if (!set) {
        callbacks.set(channel, (set = new Set()));
        // Through kysely, so LISTEN never lands inside another caller's open transaction.
        await sql`LISTEN ${sql.id(channel)}`.execute(db);
      }
      set.add(onWake);
      return async () => {
        set.delete(onWake);
      };
    },
    close: async () => {
      off();
      await db.destroy();
    },
  };
}
