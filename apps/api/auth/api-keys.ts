import { readFile } from 'node:fs/promises';
import type { AppConfig } from '../config/app-config.js';
import { ApiKeyConfigError } from './api-key-config-error.js';
import { formatGeneratedKeys, loadOrGenerateKeys, type GeneratedKey } from './generated-keys.js';
import { hashKey, KeyRing, type KeyHash } from './key-ring.js';
import { isRole, ROLES } from './roles.js';

/** The shortest key API_KEYS accepts (SPEC §8). */
export const MIN_KEY_LENGTH = 24;

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const unknownRole = `unknown role (expected one of ${ROLES.join(', ')})`;

/** Where the keys of a {@link LoadedKeyRing} came from. */
export type KeySource = 'API_KEYS' | 'API_KEYS_FILE' | 'generated' | 'stored';

/** The result of {@link loadKeyRing}. `generated` holds plain keys only on the very first start. */
export type LoadedKeyRing = {
  keyRing: KeyRing;
  source: KeySource;
  generated: readonly GeneratedKey[];
};

/**
 * Parses API_KEYS: comma-separated `role:key` pairs, each key at least 24 characters.
 * Blank entries (a trailing comma) are skipped. Every bad entry is reported by position.
 *
 * @example
 * parseApiKeys(`service:${serviceKey},reader:${readerKey}`); // two KeyHash
 * @throws {ApiKeyConfigError} on an unknown role, a short key or a repeated key
 */
export function parseApiKeys(text: string): KeyHash[] {
  const problems: string[] = [];
  const keys: KeyHash[] = [];
  const seen = new Map<string, number>();
  text.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const at = `entry ${index + 1}`;
    if (entry === '') return;
    const colon = entry.indexOf(':');
    if (colon < 0) return void problems.push(`${at}: expected role:key`);
    const role = entry.slice(0, colon).trim();
    const key = entry.slice(colon + 1).trim();
    if (!isRole(role)) return void problems.push(`${at}: ${unknownRole}`);
    if (/\s/.test(key)) return void problems.push(`${at}: the key contains whitespace`);
    if (key.length < MIN_KEY_LENGTH)
      return void problems.push(`${at}: the key is shorter than ${MIN_KEY_LENGTH} characters`);
    const sha256 = hashKey(key);
    const first = seen.get(sha256.toString('hex'));
    if (first !== undefined) return void problems.push(`${at}: repeats the key of entry ${first}`);
    seen.set(sha256.toString('hex'), index + 1);
    keys.push({ role, sha256 });
  });
  if (problems.length === 0 && keys.length === 0) problems.push('holds no role:key pair');
  if (problems.length > 0) throw new ApiKeyConfigError('API_KEYS', problems);
  return keys;
}

/**
 * Parses the text of an API_KEYS_FILE: one `role:sha256-hex-of-key` per line; blank lines
 * and `#` comments are allowed. Every bad line is reported by number.
 *
 * @example
 * parseApiKeysFile('# ops team\nadmin:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n');
 * @throws {ApiKeyConfigError} on a bad or repeated line, or when no key is listed
 */
export function parseApiKeysFile(text: string): KeyHash[] {
  const problems: string[] = [];
  const keys: KeyHash[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const at = `line ${index + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon < 0) return void problems.push(`${at}: expected role:sha256-hex-of-key`);
    const role = line.slice(0, colon).trim();
    const hex = line
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (!isRole(role)) return void problems.push(`${at}: ${unknownRole}`);
    if (!SHA256_HEX.test(hex))
      return void problems.push(`${at}: expected 64 hex characters (the SHA-256 of the key) after the role`);
    const first = seen.get(hex);
    if (first !== undefined) return void problems.push(`${at}: repeats the hash of line ${first}`);
    seen.set(hex, index + 1);
    keys.push({ role, sha256: Buffer.from(hex, 'hex') });
  });
  if (problems.length === 0 && keys.length === 0) problems.push('the file lists no role:sha256 line');
  if (problems.length > 0) throw new ApiKeyConfigError('API_KEYS_FILE', problems);
  return keys;
}

async function readKeysFile(path: string): Promise<KeyHash[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ApiKeyConfigError('API_KEYS_FILE', [`cannot read ${path} (${code})`]);
  }
  return parseApiKeysFile(text);
}

/**
 * Builds the key ring once, at start, from the configuration: API_KEYS, else API_KEYS_FILE,
 * else the hashes stored under DATA_DIR — generated on the first start, when the plain keys
 * go to `print` (once; never again) and come back in `generated`. Nothing here writes to
 * stdout or a log.
 *
 * @example
 * const { keyRing, source } = await loadKeyRing(config, { print: (text) => process.stdout.write(text) });
 * AuthModule.forRoot(keyRing);
 * @throws {ApiKeyConfigError} on bad keys, or when both API_KEYS and API_KEYS_FILE are set
 */
export async function loadKeyRing(
  config: Pick<AppConfig, 'apiKeys' | 'apiKeysFile' | 'dataDir'>,
  options: { print: (text: string) => void },
): Promise<LoadedKeyRing> {
  if (config.apiKeys !== undefined && config.apiKeysFile !== undefined) {
    throw new ApiKeyConfigError('API_KEYS', ['set API_KEYS or API_KEYS_FILE, not both']);
  }
  if (config.apiKeys !== undefined)
    return { keyRing: new KeyRing(parseApiKeys(config.apiKeys)), source: 'API_KEYS', generated: [] };
  if (config.apiKeysFile !== undefined) {
    return { keyRing: new KeyRing(await readKeysFile(config.apiKeysFile)), source: 'API_KEYS_FILE', generated: [] };
  }
  const { keys, generated, path } = await loadOrGenerateKeys(config.dataDir);
  if (generated.length > 0) options.print(formatGeneratedKeys(generated, path));
  return { keyRing: new KeyRing(keys), source: generated.length > 0 ? 'generated' : 'stored', generated };
}
