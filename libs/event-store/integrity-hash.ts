import { createHash } from 'node:crypto';
import type { JsonObject } from './event-store.js';

/** JSON with object keys sorted at every level: the same text for the same value, whatever the store did to key order. */
export function canonicalJson(value: unknown): string {
  // As JSON.stringify: a value with toJSON (a Date) is written as what toJSON returns.
  if (value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
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
