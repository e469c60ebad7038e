import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '../api/config/app-config.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import {
  GENERATED_MASTER_KEY_FILE,
  KeyStore,
  MasterKey,
  PENDING_MASTER_KEY_FILE,
  PersonalDataError,
  installPendingKey,
  loadMasterKey,
  migrateKeyStore,
  publishKeyFile,
  readMasterKeyFile,
  rotateMasterKey,
  type LoadedMasterKey,
} from '../../libs/personal-data/index.js';
import type { Output } from './progress-bar.js';

/** Exit codes, as the rest of the CLI: 0 done, 1 problem, 2 usage or settings, 3 store unreachable. */
const EXIT = { ok: 0, problem: 1, usage: 2, unreachable: 3 } as const;

export type KeysIo = { out: Output; err: Output; env: Record<string, string | undefined> };

/**
 * `caretrack keys rotate|status`: works on the key store directly (never over HTTP: master keys
 * do not travel), with the service's own settings: DATABASE_URL or DATA_DIR, and the current
 * master key from DATA_KEY, DATA_KEY_FILE or DATA_DIR/data-key.
 *
 * @example await runKeysCommand(['rotate', '--new-key-file', '/run/secrets/new.key'], io)
 */
export async function runKeysCommand(argv: readonly string[], io: KeysIo): Promise<number> {
  const [action, ...rest] = argv;
  const newKeyFile = optionValue(rest, '--new-key-file');
  const generate = rest.includes('--generate');
  const known = rest.every(
    (arg, i) =>
      arg === '--generate' ||
      (arg === '--new-key-file' && rest[i + 1] !== undefined) ||
      rest[i - 1] === '--new-key-file',
  );
  const valid =
    action === 'status' ? rest.length === 0 : action === 'rotate' && known && generate !== (newKeyFile !== undefined);
  if (!valid) {
    io.err.write(`usage: caretrack keys rotate --new-key-file <path> | --generate\n       caretrack keys status\n`);
    return EXIT.usage;
  }
  let config: AppConfig;
  let current: LoadedMasterKey;
  try {
    config = loadConfig(io.env);
    current = await loadMasterKey(
      { dataKey: config.dataKey, dataKeyFile: config.dataKeyFile, dataDir: config.dataDir },
      { generate: false },
    );
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof PersonalDataError)) throw error;
    io.err.write(`caretrack: ${error.message}\n`);
    return EXIT.usage;
  }
  const generatedKey = config.dataKey === undefined && config.dataKeyFile === undefined;
  if (generate && !generatedKey) {
    io.err.write(
      'caretrack: --generate replaces DATA_DIR/data-key; with DATA_KEY or DATA_KEY_FILE make the new key yourself ' +
        '(openssl rand -base64 32 > new.key; chmod 600 new.key) and pass --new-key-file new.key\n',
    );
    return EXIT.usage;
  }
  const connection = await open(config, io);
  if (typeof connection === 'number') return connection;
  try {
    if (action === 'status') return await status(connection, current, io.out);
    const next =
      newKeyFile !== undefined
        ? (await readMasterKeyFile(newKeyFile, '--new-key-file')).key
        : await pendingOrNew(config.dataDir, current);
    await migrateKeyStore(connection.db);
    const rotation = await rotateMasterKey(connection.db, { from: current.key, to: next, origin: current.origin });
    const retired = generate ? await installPendingKey(config.dataDir) : undefined;
    if (rotation.alreadyDone) {
      io.out.write(`the key store already uses master key ${next.id}: nothing re-wrapped\n`);
    } else {
      io.out.write(
        `rotated the master key ${rotation.from} → ${rotation.to} in one transaction: ` +
          `${plural(rotation.dataKeys, 'data key')} and ${plural(rotation.secrets, 'secret')} re-wrapped, ` +
          `${plural(rotation.erased, 'erased patient')} without a key, no event touched\n`,
      );
    }
    io.out.write(
      generate
        ? `the new key is ${join(config.dataDir, GENERATED_MASTER_KEY_FILE)}` +
            (retired
              ? `; the old one was kept as ${retired}: destroy it once no backup made before now needs restoring\n`
              : '\n')
        : `next: restart every instance with the new key (DATA_KEY_FILE=${newKeyFile}, or its content as DATA_KEY); ` +
            `until then they answer 503 master_key_rotated ` +
            `when they need a key. Destroy the old key once no backup made before now needs restoring.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof PersonalDataError) && !isNoStore(error)) throw error;
    io.err.write(`caretrack: ${(error as Error).message}\n`);
    return error instanceof PersonalDataError && error.code === 'master_key_config' ? EXIT.usage : EXIT.problem;
  } finally {
    await connection.close();
  }
}

/** `keys status`: the master key in use and how many keys the store holds. */
async function status(connection: DatabaseConnection, current: LoadedMasterKey, out: Output): Promise<number> {
  const store = await KeyStore.open(connection.db, { masterKey: current });
  try {
    const s = await store.status();
    out.write(
      `master key ${s.masterKeyId} (${current.origin}): ${plural(s.dataKeys, 'data key')}, ${plural(s.erased, 'erased patient')}, ${plural(s.secrets, 'secret')}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The next generated key: the one an interrupted rotation left in data-key.next, else a new one written there. */
async function pendingOrNew(dataDir: string, current: LoadedMasterKey): Promise<MasterKey> {
  if (current.pending) return current.pending.key;
  const next = MasterKey.generate();
  if (!(await publishKeyFile(join(dataDir, PENDING_MASTER_KEY_FILE), next))) {
    throw new Error(`${join(dataDir, PENDING_MASTER_KEY_FILE)} appeared meanwhile: is another rotation running?`);
  }
  return next;
}

async function open(config: AppConfig, io: KeysIo): Promise<DatabaseConnection | number> {
  if (config.databaseUrl) {
    try {
      const connection = await openDatabase({ kind: 'server', url: config.databaseUrl, poolSize: 2 });
      await connection.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      return connection;
    } catch (error) {
      io.err.write(`caretrack: cannot reach the database (${(error as Error).message})\n`);
      return EXIT.unreachable;
    }
  }
  const dir = join(config.dataDir, 'pg');
  if (
    !(await stat(dir).then(
      () => true,
      () => false,
    ))
  ) {
    io.err.write(
      `caretrack: no embedded database under ${dir}; set DATA_DIR (or DATABASE_URL) as the service has it\n`,
    );
    return EXIT.usage;
  }
  io.err.write('note: the embedded database is opened by one process at a time: the service must be stopped\n');
  return openDatabase({ kind: 'embedded', dataDir: dir });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function optionValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

function isNoStore(error: unknown): boolean {
  return error instanceof Error && error.message.includes('holds no master key yet');
}
