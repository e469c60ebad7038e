import { createHash } from 'node:crypto';
import type { JsonObject } from './event-store.js';

/**
 * JSON with object keys sorted at every level: the same text for the same value, whatever the
 * store did to key order. Built by appending to one string (no per-key arrays or entries), and
 * sorting a key list only when it is not already in order: it runs over every appended event's
 * data and metadata on the writer's thread.
 */
export function canonicalJson(value: unknown): string {
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
