import { createHash } from 'node:crypto';
import type { JsonObject } from './event-store.js';

/**
 * JSON with object keys sorted at every level: the same text for the same value, whatever the
 * store did to key order. It runs over every appended event's data and metadata on the writer's
 * thread, so: a value already in canonical form goes to `JSON.stringify` whole; otherwise the
 * text is appended to one string (no per-key arrays or entries), a key list sorted only when it
 * is out of order, and each child again tried whole.
 */
export function canonicalJson(value: unknown): string {
  // Already canonical (keys in order at every level, plain data): the engine's own writer is
  // several times faster than building the text here, and writes the very same text.
  if (typeof value === 'object' && value !== null && isCanonical(value)) return JSON.stringify(value);
  return buildCanonical(value);
}

function buildCanonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  // As JSON.stringify: a value with toJSON (a Date) is written as what toJSON returns.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/**
 * True when `JSON.stringify(value)` writes what `canonicalJson` writes: plain objects whose keys
 * are in sorted order, arrays, and JSON primitives, at every level; no `toJSON` (a Date), no
 * boxed primitive, function, symbol or bigint anywhere (`JSON.stringify` treats those otherwise).
 * An undefined property is left out by both, an undefined array item written `null` by both.
 */
function isCanonical(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isCanonical(item)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  let previous: string | null = null;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return false;
    if (previous !== null && previous >= key) return false;
    previous = key;
    if (!isCanonical(record[key])) return false;
  }
  return true;
}

/**
 * The hash of an event chained to the previous event of its stream: SHA-256 over the previous
 * hash, the type, the data and the metadata. Altering, removing or reordering an event breaks
 * every hash after it.
 *
 * @example const h1 = eventHash(null, e0); const h2 = eventHash(h1, e1);
 */
export function eventHash(
  previous: string | null,
  event: { type: string; data: JsonObject; metadata: JsonObject },
): string {
  return createHash('sha256')
    .update(previous ?? '')
    .update('\n')
    .update(event.type)
    .update('\n')
    .update(canonicalJson(event.data))
    .update('\n')
    .update(canonicalJson(event.metadata))
    .digest('hex');
}
