import { parsePosition, positionToString, type EventStore, type StoredEvent } from '../../../libs/event-store/index.js';

/** An event as auditors see it: everything the log holds, 64-bit numbers as decimal strings. */
export function auditView(e: StoredEvent) {
  return {
    position: positionToString(e.position),
    streamId: e.streamId,
    revision: e.revision.toString(),
    id: e.id,
    type: e.type,
    recordedAt: e.recordedAt.toISOString(),
    data: e.data,
    metadata: e.metadata,
    hash: e.hash ?? null,
  };
}

export type EventFilter = { types?: string[]; actor?: string; from?: Date; to?: Date };

/** Scans at most this many events per request; the cursor lets the client go on. */
const SCAN_LIMIT = 20_000;

/**
 * The global log filtered by type (on the store), actor and recording time, paged by
 * position: `nextCursor` is the last position scanned, so a page may hold fewer than `limit`
 * events and still have a next one.
 */
export async function filteredEvents(store: EventStore, filter: EventFilter, after: string | undefined, limit: number) {
  let from: 'start' | bigint = after ? parsePosition(after) : 'start';
  const items: ReturnType<typeof auditView>[] = [];
  for (let scanned = 0; scanned < SCAN_LIMIT; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1000, eventTypes: filter.types });
    for (const e of page) {
      from = e.position;
      scanned++;
      if (matches(e, filter)) items.push(auditView(e));
      if (items.length >= limit) return { items, nextCursor: positionToString(e.position) };
    }
    if (page.length < 1000) return { items, nextCursor: null };
  }
  return { items, nextCursor: from === 'start' ? null : positionToString(from) };
}

function matches(e: StoredEvent, filter: EventFilter): boolean {
  const actor = (e.metadata['actor'] as { id?: unknown } | undefined)?.id;
  if (filter.actor !== undefined && actor !== filter.actor) return false;
  if (filter.from && e.recordedAt < filter.from) return false;
  if (filter.to && e.recordedAt > filter.to) return false;
  return true;
}
