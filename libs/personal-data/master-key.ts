import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';

/** A master key is 256 bits. */
export const MASTER_KEY_BYTES = 32;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes in base64 (either alphabet): 43 characters and an optional `=`.
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * The master key that wraps every data key. It never prints itself: `JSON.stringify`, pino and
 * `console.log` show only its public id.
 *
 * @example
 * const master = MasterKey.parse(process.env.DATA_KEY ?? '') ?? MasterKey.generate();
 * master.id // '3f2a9c…' (16 hex), also stored beside the data keys to recognise it
 */
export class MasterKey {
  /** Public: identifies the key in messages and in the key store (a prefix of `check`). */
  readonly id: string;
  /** Public key-check value: HMAC of a constant, stored so a wrong key is refused at start. */
  readonly check: string;

  private constructor(readonly key: KeyObject) {
    this.check = createHmac('sha256', key).update('caretrack:master-key-check:v1').digest('hex');
    this.id = this.check.slice(0, 16);
  }

  /** From exactly 32 bytes. */
  static fromBytes(bytes: Uint8Array): MasterKey {
    if (bytes.length !== MASTER_KEY_BYTES)
      throw new RangeError(`a master key is ${MASTER_KEY_BYTES} bytes, not ${bytes.length}`);
    return new MasterKey(createSecretKey(Buffer.from(bytes)));
  }

  /**
   * Reads 64 hex characters or base64 (standard or URL alphabet) of 32 bytes; surrounding
   * whitespace is ignored. `null` when the text is neither.
   *
   * @example MasterKey.parse('q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=')
   */
  static parse(text: string): MasterKey | null {
    const trimmed = text.trim();
    if (HEX_KEY.test(trimmed)) return MasterKey.fromBytes(Buffer.from(trimmed, 'hex'));
    if (BASE64_KEY.test(trimmed)) {
      const bytes = Buffer.from(trimmed, 'base64');
      return bytes.length === MASTER_KEY_BYTES ? MasterKey.fromBytes(bytes) : null;
    }
    return null;
  }

  /** A fresh random key. */
  static generate(): MasterKey {
    return MasterKey.fromBytes(randomBytes(MASTER_KEY_BYTES));
  }

  /** The key as base64 text, for a key file the operator keeps. */
  exportText(): string {
    return this.key.export().toString('base64');
  }

  toJSON(): string {
    return `[master key ${this.id}]`;
  }

  toString(): string {
    return this.toJSON();
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/** What the master key settings accept, for messages. */
export const MASTER_KEY_FORMAT = '32 bytes as 64 hexadecimal characters or base64 (e.g. `openssl rand -base64 32`)';
