import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { EventStore } from '../../../libs/event-store/index.js';
import { KeyStore, loadMasterKey } from '../../../libs/personal-data/index.js';
import { createPostgresEventStore } from '../../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../../libs/read-store/connection.js';
import type { AppConfig } from '../../api/config/app-config.js';

/** The service's stores, opened by the command line from the same configuration as the API. */
export type CliStores = {
  /** the read database (and the log's, unless EventStoreDB holds it); null when a dry run found none */
  database: DatabaseConnection | null;
  /** the log; null when a dry run found none (an empty log, nothing to create) */
  store: EventStore | null;
  /**
   * the per-patient data keys (SPEC §9) in the service's database, under the master key the
   * service uses; null unless `personalData` was asked for
   */
  keys: KeyStore | null;
  /** true when one `appendToStreams` call lands in the order given (the PostgreSQL log; not EventStoreDB) */
  appendsKeepOrder: boolean;
  /**
   * Makes every append so far durable (one synchronous commit flushes the write-ahead log up to
   * it, so it covers every earlier asynchronous commit of `bulkAppends`); a no-op elsewhere.
   */
  flush(): Promise<void>;
  close(): Promise<void>;
};

const LOG_SCHEMA = 'caretrack_events';

/**
 * Opens the stores as the API does (`DATABASE_URL`, `EVENTSTORE_URL`, `DATA_DIR`). With
 * `readOnly` (a dry run) it creates nothing: a PostgreSQL log that does not exist yet, or an
 * embedded data directory that does not exist yet, is an empty log and is left uncreated.
 *
 * With `bulkAppends` the sessions on a PostgreSQL server commit asynchronously
 * (`synchronous_commit = off`): an append no longer waits for its own WAL flush while it holds
 * the log's append lock. A server crash can then lose the last moments of appends — never
 * partly, and never an event a projection has already committed a checkpoint past (that commit
 * flushed the WAL up to it) — and a rerun of the import appends them again. `flush()` before
 * reporting makes them all durable. The data keys live in the same database and commit the same
 * way, each before the events it encrypts: a durable event never lacks its key. With EventStoreDB
 * holding the log the database commits synchronously (nothing ties the two stores' durability).
 *
 * With `personalData` the key store is opened as `caretrack keys` opens it: the master key from
 * DATA_KEY, DATA_KEY_FILE or DATA_DIR/data-key, never generated here (a key the service does not
 * have would make every imported personal field unreadable to it).
 */
export async function openCliStores(
  config: AppConfig,
  logger: Logger,
  options: {
    readOnly: boolean;
    bulkAppends?: boolean;
    /** false: only the log is used, so no read database is opened when EventStoreDB holds the log */
    readTables?: boolean;
    /** open the key store (it lives in the read database, which is then opened whatever holds the log) */
    personalData?: boolean;
  },
): Promise<CliStores> {
  const embeddedDir = join(config.dataDir, 'pg');
  const masterKey = options.personalData
    ? await loadMasterKey(
        { dataKey: config.dataKey, dataKeyFile: config.dataKeyFile, dataDir: config.dataDir },
        { generate: false },
      )
    : null;
  const wanted = !(config.eventStoreUrl && options.readTables === false) || options.personalData === true;
  let database: DatabaseConnection | null = null;
  if (wanted && config.databaseUrl) {
    const asynchronous = options.bulkAppends && !options.readOnly && !config.eventStoreUrl;
    const url = asynchronous ? withSessionSetting(config.databaseUrl, 'synchronous_commit', 'off') : config.databaseUrl;
    database = await openDatabase({ kind: 'server', url, logger });
  } else if (wanted && (!options.readOnly || existsSync(embeddedDir))) {
    database = await openDatabase({ kind: 'embedded', dataDir: embeddedDir, logger });
  }
  let keys: KeyStore | null = null;
  try {
    if (masterKey && database) keys = await KeyStore.open(database.db, { masterKey, logger });
    let store: EventStore | null = null;
    if (config.eventStoreUrl) {
      // Loaded only when used: the gRPC client adds ~0.4 s to every start of the command line.
      const { createEsdbEventStore } = await import('../../../libs/event-store/esdb/esdb-event-store.js');
      store = await createEsdbEventStore({ connectionString: config.eventStoreUrl, logger });
    } else if (database && (!options.readOnly || (await logTableExists(database))))
      store = await createPostgresEventStore({ connection: database, logger });
    return {
      database,
      store,
      keys,
      appendsKeepOrder: !config.eventStoreUrl,
      flush: async () => {
        if (!database || config.eventStoreUrl) return;
        await database.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL synchronous_commit = on`.execute(trx);
          await sql`SELECT pg_current_xact_id()`.execute(trx);
        });
      },
      close: async () => {
        await store?.close();
        await keys?.close();
        await database?.close();
      },
    };
  } catch (error) {
    await keys?.close();
    await database?.close();
    throw error;
  }
}

/** `url` with a session setting added to its `options` (`-c name=value`). */
function withSessionSetting(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${options ? `${options} ` : ''}-c ${name}=${value}`);
  return parsed.toString();
}

async function logTableExists(database: DatabaseConnection): Promise<boolean> {
  const { rows } = await sql<{
    present: boolean;
  }>`SELECT to_regclass(${`${LOG_SCHEMA}.events`}) IS NOT NULL AS present`.execute(database.db);
  return rows[0]?.present === true;
}
