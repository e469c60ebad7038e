import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { EventStore, StoredEvent, Subscription, SubscriptionCheckpoint } from '../../libs/event-store/index.js';
import { decryptEvent, decryptEvents, KeyStore, MasterKey } from '../../libs/personal-data/index.js';
import { ProjectionRunner, waitForPosition } from '../../libs/projection-engine/index.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import { allProjections } from '../../projections/index.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { runCli } from '../../apps/cli/cli.js';
import { plaintextOpener } from '../../libs/projection-engine/open-events.js';

/** A fresh database for the service's stores, and its URL. */
export async function createTargetDatabase(
  prefix = 'caretrack_import',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix);
  await adminQuery(`CREATE DATABASE ${name}`);
  const u = new URL(testDatabaseUrl);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** The master key the import tests give the CLI (DATA_KEY), as the service would have it. */
export const IMPORT_DATA_KEY = Buffer.alloc(32, 0x5c).toString('base64');

/** Runs `caretrack …` in-process with the given environment (DATA_KEY: `IMPORT_DATA_KEY` unless given); returns its exit code and output. */
export async function cli(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: { write: (t) => void (out += t) },
    err: { write: (t) => void (err += t) },
    env: { LOG_LEVEL: 'warn', ...(env['DATA_KEY_FILE'] === undefined ? { DATA_KEY: IMPORT_DATA_KEY } : {}), ...env },
  });
  return { code, out, err };
}

/** The key store the CLI wrote the data keys to (in the service's database), opened with `IMPORT_DATA_KEY`. */
export function openKeys(db: Kysely<unknown>): Promise<KeyStore> {
  return KeyStore.open(db, { masterKey: { key: MasterKey.parse(IMPORT_DATA_KEY)!, origin: 'the test' } });
}

/**
 * The log as the projections see it once the engine decrypts (SPEC §9): every event read or
 * subscribed to comes with its personal fields opened by `keys` (null once erased).
 */
export function decrypting(store: EventStore, keys: KeyStore): EventStore {
  const open = async (item: StoredEvent | SubscriptionCheckpoint) =>
    'checkpoint' in item ? item : decryptEvent(item, keys);
  return {
    ...store,
    readAll: async (read) => decryptEvents(await store.readAll(read), keys),
    readStream: async (stream, read) => decryptEvents(await store.readStream(stream, read), keys),
    subscribeToAll: (subscribe) => mapSubscription(store.subscribeToAll(subscribe), (e) => decryptEvent(e, keys)),
    subscribeToAllWithCheckpoints: (subscribe) => mapSubscription(store.subscribeToAllWithCheckpoints(subscribe), open),
  };
}

function mapSubscription<T>(subscription: Subscription<T>, map: (item: T) => Promise<T>): Subscription<T> {
  return {
    close: () => subscription.close(),
    async *[Symbol.asyncIterator]() {
      for await (const item of subscription) yield await map(item);
    },
  };
}

/** Runs every projection over the log (decrypted with `keys`) until it has caught up with the head, then stops. */
export async function project(db: Kysely<unknown>, logStore: EventStore, keys: KeyStore): Promise<void> {
  const root = new URL('../../', import.meta.url);
  const store = decrypting(logStore, keys);
  const runner = new ProjectionRunner({
    opener: plaintextOpener(),
    db,
    store,
    projections: allProjections,
    context: defaultProjectionContext(),
    configTexts: {
      triageMap: readFileSync(new URL('projections/config/triage_map.yaml', root), 'utf8'),
      stages: readFileSync(new URL('projections/config/stages.yaml', root), 'utf8'),
    },
    logger: pino({ level: 'silent' }),
  });
  await runner.start();
  try {
    const head = (await store.headPosition()) ?? 0n;
    if (!(await waitForPosition(db, store, allProjections, head, 120_000)))
      throw new Error('projections did not catch up');
  } finally {
    await runner.stop();
  }
}

/** Every row of a read table, as JSON, sorted. */
export async function tableRows(db: Kysely<unknown>, table: string, order: string): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<{
    row: Record<string, unknown>;
  }>`SELECT to_jsonb(t) AS row FROM ${sql.table(table)} t ORDER BY ${sql.raw(order)}`.execute(db);
  return rows.map((r) => r.row);
}

/** Every event of the log, in log order. */
export async function allEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({
      fromPosition: events.length ? events[events.length - 1]!.position : 'start',
      maxCount: 5000,
    });
    events.push(...page);
    if (page.length < 5000) return events;
  }
}
