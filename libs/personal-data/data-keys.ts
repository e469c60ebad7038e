import type { KeyObject } from 'node:crypto';
import type { KeyState } from './field-cipher.js';

/**
 * The key lookups `encryptEvent` and `decryptEvents` need; `KeyStore` implements them on
 * PostgreSQL. Keys are `KeyObject`s: they never print their bytes.
 */
export interface DataKeys {
  /**
   * The key that encrypts new personal data of a subject, created on first use.
   * @throws {PatientErasedError} when the subject was erased
   */
  keyForWrite(subjectId: string): Promise<KeyObject>;
  /** The key state of each subject that has one (live or erased); subjects without any are absent. */
  keysForRead(subjectIds: readonly string[]): Promise<ReadonlyMap<string, KeyState>>;
}
