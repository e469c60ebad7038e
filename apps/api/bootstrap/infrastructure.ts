import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '../../../libs/event-store/index.js';
import { createEsdbEventStore } from '../../../libs/event-store/esdb/esdb-event-store.js';
import type { AppendHooks } from '../../../libs/event-store/postgres/append.js';
import { createPostgresEventStore } from '../../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../../libs/read-store/connection.js';
import type { AppConfig } from '../config/app-config.js';

/** The stores the app runs on, opened from the configuration. */
export type Infrastructure = {
  database: DatabaseConnection;
  eventStore: EventStore;
  /** e.g. `embedded PGlite (/srv/data/pg)` or `PostgreSQL server (db:5432/caretrack)` */
  describe: string;
  close(): Promise<void>;
};

/**
 * Opens the read database (server when DATABASE_URL is set, else PGlite under DATA_DIR) and
 * the event log: in EventStoreDB when EVENTSTORE_URL is set, else in that same database.
 */
export async function openInfrastructure(config: AppConfig, logger: Logger, seams: { appendHooks?: AppendHooks } = {}): Promise<Infrastructure> {
  const database = config.databaseUrl
    ? await openDatabase({ kind: 'server', url: config.databaseUrl, logger })
    : await openDatabase({ kind: 'embedded', dataDir: join(config.dataDir, 'pg'), logger });
  let eventStore: EventStore;
  try {
    eventStore = config.eventStoreUrl
      ? await createEsdbEventStore({ connectionString: config.eventStoreUrl, logger })
      : await createPostgresEventStore({ connection: database, logger, appendHooks: seams.appendHooks });
  } catch (error) {
    await database.close();
    throw error;
  }
  const tables = config.databaseUrl ? `PostgreSQL server (${safeHost(config.databaseUrl)})` : `embedded PGlite (${join(config.dataDir, 'pg')})`;
  const where = config.eventStoreUrl ? `events in EventStoreDB (${safeHost(config.eventStoreUrl)}), read tables in ${tables}` : tables;
  return {
    database,
    eventStore,
    describe: where,
    close: async () => {
      await eventStore.close();
      await database.close();
    },
  };
}

/** host:port/db of a URL, without credentials, for logs. */
function safeHost(url: string): string {
  const u = new URL(url.replace(/^esdb(\+discover)?:/, 'http:'));
  return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}
