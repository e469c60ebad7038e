import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EventStore } from '../../../libs/event-store/index.js';
import { createEsdbEventStore } from '../../../libs/event-store/esdb/esdb-event-store.js';
import type { AppendHooks } from '../../../libs/event-store/postgres/append.js';
import { createPostgresEventStore } from '../../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../../libs/read-store/connection.js';
import { KeyStore, loadMasterKey } from '../../../libs/personal-data/index.js';
import type { AppConfig } from '../config/app-config.js';

/** The stores the app runs on, opened from the configuration. */
export type Infrastructure = {
  database: DatabaseConnection;
  eventStore: EventStore;
  /** per-patient data keys (SPEC §9), in the read database's `caretrack_keys` schema */
  keyStore: KeyStore;
  /** e.g. `embedded PGlite (/srv/data/pg)` or `PostgreSQL server (db:5432/caretrack)` */
  describe: string;
  close(): Promise<void>;
};

/**
 * Opens the read database (server when DATABASE_URL is set, else PGlite under DATA_DIR), the
 * key store in it (a wrong master key stops the start here) and the event log: in EventStoreDB
 * when EVENTSTORE_URL is set, else in that same database.
 */
export async function openInfrastructure(
  config: AppConfig,
  logger: Logger,
  seams: { appendHooks?: AppendHooks } = {},
): Promise<Infrastructure> {
  const masterKey = await loadMasterKey({
    dataKey: config.dataKey,
    dataKeyFile: config.dataKeyFile,
    dataDir: config.dataDir,
  });
  for (const warning of masterKey.warnings) logger.warn({ masterKey: masterKey.key.id }, warning);
  if (masterKey.generatedPath) {
    logger.warn(
      { masterKey: masterKey.key.id, path: masterKey.generatedPath },
      'generated the master key of personal data (mode 0600): back this file up, without it no personal data can be read; ' +
        'set DATA_KEY or DATA_KEY_FILE to choose the key, and give every instance the same one',
    );
  }
  const database = config.databaseUrl
    ? await openDatabase({ kind: 'server', url: config.databaseUrl, logger })
    : await openDatabase({ kind: 'embedded', dataDir: join(config.dataDir, 'pg'), logger });
  let keyStore: KeyStore;
  let eventStore: EventStore;
  try {
    keyStore = await KeyStore.open(database.db, {
      masterKey,
      listen: (channel, onWake) => database.listen(channel, onWake),
      logger,
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  try {
    eventStore = config.eventStoreUrl
      ? await createEsdbEventStore({ connectionString: config.eventStoreUrl, logger })
      : await createPostgresEventStore({ connection: database, logger, appendHooks: seams.appendHooks });
  } catch (error) {
    await keyStore.close();
    await database.close();
    throw error;
  }
  const tables = config.databaseUrl
    ? `PostgreSQL server (${safeHost(config.databaseUrl)})`
    : `embedded PGlite (${join(config.dataDir, 'pg')})`;
  const where = config.eventStoreUrl
    ? `events in EventStoreDB (${safeHost(config.eventStoreUrl)}), read tables in ${tables}`
    : tables;
  return {
    database,
    eventStore,
    keyStore,
    describe: where,
    close: async () => {
      await eventStore.close();
      await keyStore.close();
      await database.close();
    },
  };
}

/** host:port/db of a URL, without credentials, for logs. */
function safeHost(url: string): string {
  const u = new URL(url.replace(/^esdb(\+discover)?:/, 'http:'));
  return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}
