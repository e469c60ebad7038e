import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from './principal.js';
import type { Role } from './roles.js';

/** One known key, by the SHA-256 of its text (32 bytes); the key itself is never held. */
export type KeyHash = { readonly role: Role; readonly sha256: Buffer };

/**
 * SHA-256 of a key's UTF-8 text.
 *
 * @example
 * hashKey('ct_reader_…').toString('hex'); // what an API_KEYS_FILE line holds after `reader:`
 */
export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A key's public id: the first 12 hex characters of its SHA-256. */
export function keyIdOf(sha256: Buffer): string {
  return sha256.toString('hex').slice(0, 12);
}

/**
 * The keys this process accepts, built once at start (see `loadKeyRing`) and handed to
 * `AuthModule.forRoot`.
 *
 * @example
 * const ring = new KeyRing([{ role: 'reader', sha256: hashKey(key) }]);
 * ring.lookup(key); // { keyId: '3f2a…', role: 'reader' }
 * ring.lookup('nope'); // null
 */
export class KeyRing {
  private readonly entries: readonly (KeyHash & Principal)[];

  constructor(keys: readonly KeyHash[]) {
    this.entries = keys.map((k) => ({ role: k.role, sha256: Buffer.from(k.sha256), keyId: keyIdOf(k.sha256) }));
  }

  /** How many keys are known. */
  get size(): number {
    return this.entries.length;
  }

  /** The known keys by id and role (for a start-up log line; no secrets). */
  principals(): Principal[] {
    return this.entries.map(({ keyId, role }) => ({ keyId, role }));
  }

  /** The principal a presented key belongs to, or null. Compares every entry in constant time. */
  lookup(presented: string): Principal | null {
    const digest = hashKey(presented);
    let found: Principal | null = null;
    for (const entry of this.entries) {
      // No early exit: the time taken does not tell which entry matched.
      if (timingSafeEqual(entry.sha256, digest) && !found) found = { keyId: entry.keyId, role: entry.role };
    }
    return found;
  }
}
