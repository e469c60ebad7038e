import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { open, seal } from './aead.js';
import type { MasterKey } from './master-key.js';

/** Data keys and secrets are 256 bits. */
export const DATA_KEY_BYTES = 32;

/** What a wrapped key belongs to: a data subject's key, or a named secret (the export key). */
export type WrapLabel = { kind: 'data-key'; subjectId: string } | { kind: 'secret'; name: string };

/**
 * The associated data of a wrap: a wrapped key copied onto another patient's row (or another
 * secret) fails to unwrap.
 */
function aadOf(label: WrapLabel): Buffer {
  return Buffer.from(
    label.kind === 'data-key' ? `caretrack:data-key:v1:${label.subjectId}` : `caretrack:secret:v1:${label.name}`,
    'utf8',
  );
}

/** A fresh random 256-bit key. */
export function newDataKey(): KeyObject {
  return createSecretKey(randomBytes(DATA_KEY_BYTES));
}

/**
 * Wraps a key under the master key (AES-256-GCM, the owner bound as associated data):
 * 60 bytes, `iv | ciphertext | tag`.
 *
 * @example const wrapped = wrapKey(master, { kind: 'data-key', subjectId: 'p1' }, newDataKey());
 */
export function wrapKey(master: MasterKey, label: WrapLabel, key: KeyObject): Buffer {
  return seal(master.key, key.export(), aadOf(label));
}

/** Unwraps what {@link wrapKey} made; `null` when the master key or the owner differ, or the bytes were altered. */
export function unwrapKey(master: MasterKey, label: WrapLabel, wrapped: Uint8Array): KeyObject | null {
  const bytes = open(master.key, wrapped, aadOf(label));
  return bytes && bytes.length === DATA_KEY_BYTES ? createSecretKey(bytes) : null;
}
