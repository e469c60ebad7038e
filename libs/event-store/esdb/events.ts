import type { AllStreamResolvedEvent, RecordedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { JsonObject, StoredEvent } from '../event-store.js';
import { isKnownPosition, packPosition } from './esdb-position.js';
import { PositionUnavailable } from './errors.js';

/** Event types that are not system events (the client's `excludeSystemEvents` regex). */
export const NON_SYSTEM_TYPES = '^[^$]';

/** System events (`$`-prefixed type or stream) never reach readAll or subscription results. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/**
 * The server-side event-type filter for these types: an anchored alternation of the escaped
 * names (exact match, unlike a prefix filter), or the non-system filter when no types are
 * given. Only syntax that .NET and JavaScript regexes read alike.
 */
export function eventTypeRegex(eventTypes: readonly string[] | undefined): string {
  if (eventTypes === undefined) return NON_SYSTEM_TYPES;
  if (eventTypes.length === 0) return '(?!)';
  return `^(?:${eventTypes.map((type) => type.replace(/[\\^$.|?*+()[\]{}#\s-]/g, (c) => `\\${c}`)).join('|')})$`;
}

function jsonObject(value: unknown, what: string, event: RecordedEvent): JsonObject {
  if (value === undefined) return {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array))
    return value as JsonObject;
  throw new TypeError(`event ${event.id} in ${event.streamId}: ${what} is not a JSON object`);
}

/** Metadata key under which the adapter stores the event's chained hash (see integrity-hash.ts). */
export const HASH_KEY = '$hash';

/** The port's event from the client's; its position is the packed $all position. */
export function toStoredEvent(event: RecordedEvent): StoredEvent {
  if (!isKnownPosition(event.position)) throw new PositionUnavailable(event.streamId, event.revision);
  if (!event.isJson) throw new TypeError(`event ${event.id} in ${event.streamId}: data is not JSON (${event.type})`);
  const { [HASH_KEY]: hash, ...metadata } = jsonObject(event.metadata, 'metadata', event);
  return {
    ...(typeof hash === 'string' ? { hash } : {}),
    id: event.id,
    type: event.type,
    data: jsonObject(event.data, 'data', event),
    metadata,
    streamId: event.streamId,
    revision: event.revision,
    position: packPosition(event.position),
    recordedAt: event.created,
  };
}

/** The event of a $all read or subscription, or null for a system event or an unresolved link. */
export function fromAll(resolved: AllStreamResolvedEvent | ResolvedEvent): StoredEvent | null {
  const event = resolved.event;
  if (!event || isSystemEvent(event)) return null;
  return toStoredEvent(event);
}
