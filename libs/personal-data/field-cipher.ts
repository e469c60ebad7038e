import type { KeyObject } from 'node:crypto';
import { open, seal } from './aead.js';
import { UndecryptableEventError } from './errors.js';
import type { PersonalFieldSpec } from './personal-fields.js';

/** JSON object payloads, as events carry them. */
export type JsonObject = { [key: string]: unknown };

/** What the field cipher needs of an event: its id (the associated data), type and data. */
export type EventFields = { readonly id: string; readonly type: string; readonly data: JsonObject };

/**
 * The data field that holds an event's encrypted personal fields:
 * `"$encrypted": "v1.<base64url of iv | AES-256-GCM ciphertext of the fields' JSON | tag>"`.
 * No command can send it (every command schema is strict), so it cannot be forged as input.
 */
export const ENCRYPTED_FIELD = '$encrypted';

const VERSION_PREFIX = 'v1.';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The associated data: the event id, so a ciphertext moved to another event fails to open. */
function aadOf(eventId: string): Buffer {
  return Buffer.from(`caretrack:pd:v1:${eventId}`, 'utf8');
}

/** The personal fields of `spec` that `data` carries (a field set to `undefined` is absent). */
export function presentPersonalFields(spec: PersonalFieldSpec, data: JsonObject): string[] {
  return spec.fields.filter((field) => data[field] !== undefined);
}

/**
 * Replaces the personal fields of an event's data by one `$encrypted` field, sealed with the
 * subject's data key and the event id as associated data. Data without personal fields is
 * returned as it is.
 *
 * @example sealPersonalFields({ id, type: 'ScanUploaded', data }, spec, key)
 * // { scanId: 's1', patientId: 'p1', …, $encrypted: 'v1.Qm9…' }
 */
export function sealPersonalFields(event: EventFields, spec: PersonalFieldSpec, key: KeyObject): JsonObject {
  const present = presentPersonalFields(spec, event.data);
  if (present.length === 0) return event.data;
  const personal: JsonObject = {};
  for (const field of present) personal[field] = event.data[field];
  const sealed = seal(key, Buffer.from(JSON.stringify(personal), 'utf8'), aadOf(event.id));
  // `$encrypted` first: it sorts before every field name, so data whose keys were in order stays in
  // order and the log's canonical JSON writes it with one JSON.stringify. Loops, not
  // entries/filter/fromEntries and a spread: every event with personal data comes through here.
  const result: JsonObject = { [ENCRYPTED_FIELD]: `${VERSION_PREFIX}${sealed.toString('base64url')}` };
  for (const field in event.data)
    if (Object.hasOwn(event.data, field) && !present.includes(field)) {
      // as the spread did: a field named __proto__ is data, not the prototype
      if (field === '__proto__')
        Object.defineProperty(result, field, {
          value: event.data[field],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else result[field] = event.data[field];
    }
  return result;
}

/** How a subject's data can be read: with its key, or not at all because it was erased. */
export type KeyState = { readonly state: 'active'; readonly key: KeyObject } | { readonly state: 'erased' };

/**
 * Restores an event's personal fields. With `erased`, every personal field of the event type
 * is `null` (whether or not the event carried it: presence tells nothing either). With no key
 * state at all (`undefined`), an event that carries ciphertext is an error, not an erasure.
 *
 * @throws {UndecryptableEventError} tampered or moved ciphertext, another key, a missing key, an unknown form
 */
export function openPersonalFields(event: EventFields, spec: PersonalFieldSpec, key: KeyState | undefined): JsonObject {
  const { [ENCRYPTED_FIELD]: envelope, ...clear } = event.data;
  if (key?.state === 'erased') {
    return { ...clear, ...Object.fromEntries(spec.fields.map((field) => [field, null])) };
  }
  if (envelope === undefined) return event.data;
  const sealed = parseEnvelope(envelope);
  if (!sealed || spec.fields.length === 0) throw new UndecryptableEventError(event.id, 'malformed');
  if (!key) throw new UndecryptableEventError(event.id, 'no_data_key');
  const plaintext = open(key.key, sealed, aadOf(event.id));
  if (!plaintext) throw new UndecryptableEventError(event.id, 'authentication_failed');
  const personal = parsePersonal(plaintext);
  const fields = personal && Object.keys(personal);
  if (!personal || !fields?.every((field) => spec.fields.includes(field) && !(field in clear))) {
    throw new UndecryptableEventError(event.id, 'malformed');
  }
  return { ...clear, ...personal };
}

function parseEnvelope(envelope: unknown): Buffer | null {
  if (typeof envelope !== 'string' || !envelope.startsWith(VERSION_PREFIX)) return null;
  const body = envelope.slice(VERSION_PREFIX.length);
  return BASE64URL.test(body) ? Buffer.from(body, 'base64url') : null;
}

function parsePersonal(plaintext: Buffer): JsonObject | null {
  try {
    const value: unknown = JSON.parse(plaintext.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}
