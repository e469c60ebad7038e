import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiKeyConfigError } from './api-key-config-error.js';
import { hashKey, keyIdOf, type KeyHash } from './key-ring.js';
import { ROLES, type Role } from './roles.js';

/** The file under DATA_DIR that holds the hashes of the generated keys (never the keys). */
export const GENERATED_KEYS_FILE = 'api-keys.json';

/** A key made on the first start: shown once, then only its hash exists. */
export type GeneratedKey = { readonly role: Role; readonly key: string; readonly keyId: string };

const storedSchema = z.object({
  version: z.literal(1),
  createdAt: z.string().optional(),
  keys: z.array(z.object({ role: z.enum(ROLES), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
});

type Stored = z.infer<typeof storedSchema>;

function generateKeys(): GeneratedKey[] {
  return ROLES.map((role) => {
    const key = `ct_${role}_${randomBytes(32).toString('base64url')}`;
    return { role, key, keyId: keyIdOf(hashKey(key)) };
  });
}

async function readStored(path: string): Promise<KeyHash[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ApiKeyConfigError('DATA_DIR', [
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    ]);
  }
  let parsed: Stored;
  try {
    parsed = storedSchema.parse(JSON.parse(text));
  } catch {
    throw new ApiKeyConfigError('DATA_DIR', [
      `${path} is not a valid key file; remove it to generate new keys on the next start`,
    ]);
  }
  return parsed.keys.map((k) => ({ role: k.role, sha256: Buffer.from(k.sha256, 'hex') }));
}

/**
 * Publishes `text` at `path` atomically with mode 0600: written and synced to a temp file
 * beside it, then linked into place. Returns false when another process published first
 * (its keys win). Where hard links are unsupported it falls back to rename.
 */
async function publish(path: string, text: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    await rename(temp, path);
    return true;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Loads the stored key hashes from `${dataDir}/api-keys.json`, or on the first start
 * generates one key per role, stores only their SHA-256 hashes and returns the plain keys
 * in `generated` (empty on every later start).
 *
 * @example
 * const { keys, generated } = await loadOrGenerateKeys('/var/lib/caretrack');
 */
export async function loadOrGenerateKeys(
  dataDir: string,
): Promise<{ keys: KeyHash[]; generated: GeneratedKey[]; path: string }> {
  const path = join(dataDir, GENERATED_KEYS_FILE);
  const stored = await readStored(path);
  if (stored) return { keys: stored, generated: [], path };
  await mkdir(dataDir, { recursive: true });
  const generated = generateKeys();
  const keys = generated.map((g) => ({ role: g.role, sha256: hashKey(g.key) }));
  const content: Stored = {
    version: 1,
    createdAt: new Date().toISOString(),
    keys: keys.map((k) => ({ role: k.role, sha256: k.sha256.toString('hex') })),
  };
  if (await publish(path, `${JSON.stringify(content, null, 2)}\n`)) return { keys, generated, path };
  const winner = await readStored(path);
  if (!winner) throw new ApiKeyConfigError('DATA_DIR', [`${path} vanished while keys were being generated`]);
  return { keys: winner, generated: [], path };
}

/**
 * The one-time notice with the generated keys, for the operator's console.
 *
 * @example
 * print(formatGeneratedKeys(generated, path));
 */
export function formatGeneratedKeys(generated: readonly GeneratedKey[], path: string): string {
  const width = Math.max(...generated.map((g) => g.role.length));
  const lines = generated.map((g) => `  ${g.role.padEnd(width)}  ${g.key}`);
  return [
    'caretrack generated one API key per role. They are shown only this once:',
    ...lines,
    `Only their SHA-256 hashes are stored, in ${path}. Send a key as "Authorization: Bearer <key>".`,
    `Lost them? Stop the service, remove ${path} and start it again: it prints new keys and the old ones stop working.`,
    '',
  ].join('\n');
}
