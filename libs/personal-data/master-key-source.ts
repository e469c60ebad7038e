import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MasterKeyConfigError } from './errors.js';
import { MASTER_KEY_BYTES, MASTER_KEY_FORMAT, MasterKey } from './master-key.js';

/** The file under DATA_DIR holding the generated master key (when neither setting is given). */
export const GENERATED_MASTER_KEY_FILE = 'data-key';
/** The next generated key while `caretrack keys rotate --generate` runs (see `PendingMasterKey`). */
export const PENDING_MASTER_KEY_FILE = 'data-key.next';

/** Where the master key comes from: DATA_KEY (parsed by the config), DATA_KEY_FILE, else DATA_DIR. */
export type MasterKeySettings = { dataKey?: MasterKey; dataKeyFile?: string; dataDir: string };

/**
 * A generated key that a rotation wrote but may not have put in place: if the process died
 * after the rotation committed and before the rename, the store's key-check matches this one,
 * and `promote()` finishes the rename.
 */
export type PendingMasterKey = { key: MasterKey; promote(): Promise<unknown> };

/** The master key and where it came from. `generatedPath` is set only on the start that made it. */
export type LoadedMasterKey = {
  key: MasterKey;
  /** `DATA_KEY`, `DATA_KEY_FILE (path)` or `DATA_DIR (path)`: for messages */
  origin: string;
  generatedPath?: string;
  pending?: PendingMasterKey;
  /** e.g. a key file readable by others; for the log */
  warnings: string[];
};

/**
 * Loads the master key: `DATA_KEY`, else `DATA_KEY_FILE`, else `DATA_DIR/data-key`, which the
 * first start generates (mode 0600; `generate: false` refuses instead, for the CLI).
 *
 * @example
 * const master = await loadMasterKey({ dataKeyFile: '/run/secrets/data-key', dataDir: './data' });
 * @throws {MasterKeyConfigError} naming the setting when the key cannot be read or is malformed
 */
export async function loadMasterKey(
  settings: MasterKeySettings,
  options: { generate?: boolean } = {},
): Promise<LoadedMasterKey> {
  if (settings.dataKey) return { key: settings.dataKey, origin: 'DATA_KEY', warnings: [] };
  if (settings.dataKeyFile !== undefined) {
    const { key, warnings } = await readMasterKeyFile(settings.dataKeyFile, 'DATA_KEY_FILE');
    return { key, origin: `DATA_KEY_FILE (${settings.dataKeyFile})`, warnings };
  }
  const path = join(settings.dataDir, GENERATED_MASTER_KEY_FILE);
  const pending = await readPending(settings.dataDir);
  let existing = await readIfPresent(path);
  if (!existing && pending) {
    // a rotation died between retiring the old file and installing the new one
    await pending.promote();
    existing = await readIfPresent(path);
  } else if (existing && pending) {
    return { ...existing, origin: `DATA_DIR (${path})`, pending };
  }
  if (existing) return { ...existing, origin: `DATA_DIR (${path})` };
  if (options.generate === false) {
    throw new MasterKeyConfigError('DATA_KEY', `not set, and neither DATA_KEY_FILE nor ${path} exists`);
  }
  await mkdir(settings.dataDir, { recursive: true });
  const generated = MasterKey.generate();
  if (await publishKeyFile(path, generated))
    return { key: generated, origin: `DATA_DIR (${path})`, generatedPath: path, warnings: [] };
  const winner = await readIfPresent(path); // another process generated it first: use theirs
  if (!winner) throw new MasterKeyConfigError('DATA_DIR', `${path} vanished while the master key was being generated`);
  return { ...winner, origin: `DATA_DIR (${path})` };
}

/**
 * Reads a key file: the key as hex or base64 text, or exactly 32 raw bytes. Warns when the file
 * is readable by group or others.
 */
export async function readMasterKeyFile(
  path: string,
  variable: string,
): Promise<{ key: MasterKey; warnings: string[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new MasterKeyConfigError(
      variable,
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  const key =
    MasterKey.parse(bytes.toString('utf8')) ?? (bytes.length === MASTER_KEY_BYTES ? MasterKey.fromBytes(bytes) : null);
  if (!key) throw new MasterKeyConfigError(variable, `${path} must hold ${MASTER_KEY_FORMAT}, or exactly 32 raw bytes`);
  const mode = (await stat(path)).mode & 0o777;
  const warnings = mode & 0o077 ? [`${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`] : [];
  return { key, warnings };
}

/**
 * Publishes a key file atomically with mode 0600 (written and synced beside it, then linked
 * into place). False when the file already exists.
 */
export async function publishKeyFile(path: string, key: MasterKey): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(`${key.exportText()}\n`, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readIfPresent(path: string): Promise<{ key: MasterKey; warnings: string[] } | null> {
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new MasterKeyConfigError(
      'DATA_DIR',
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  return readMasterKeyFile(path, 'DATA_DIR');
}

async function readPending(dataDir: string): Promise<PendingMasterKey | undefined> {
  const found = await readIfPresent(join(dataDir, PENDING_MASTER_KEY_FILE)).catch(() => null);
  return found ? { key: found.key, promote: () => installPendingKey(dataDir) } : undefined;
}

/**
 * Puts `DATA_DIR/data-key.next` in place of `DATA_DIR/data-key`, keeping the old key as
 * `data-key.retired-<id>` (backups made before the rotation need it; the operator destroys it).
 * Returns the retired file's path, if there was an old key.
 */
export async function installPendingKey(dataDir: string): Promise<string | undefined> {
  const current = join(dataDir, GENERATED_MASTER_KEY_FILE);
  const old = await readIfPresent(current);
  let retired: string | undefined;
  if (old) {
    retired = join(dataDir, `${GENERATED_MASTER_KEY_FILE}.retired-${old.key.id}`);
    await rename(current, retired);
  }
  await rename(join(dataDir, PENDING_MASTER_KEY_FILE), current);
  return retired;
}
