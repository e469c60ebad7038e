import { parsePosition, positionToString, type EventStore, type StoredEvent } from '../../../libs/event-store/index.js';
import type { EventOpener, OpenedEvent } from '../../../libs/projection-engine/index.js';

/**
 * An event as auditors see it: everything the log holds, 64-bit numbers as decimal strings,
 * personal fields decrypted (`null` once the patient was erased). An event whose ciphertext does
 * not open is marked `personalData: { error }` and shows its personal fields as `null`, never
 * as if intact. `hash` is the stored one (computed over the ciphertext).
 */
export function auditView(e: OpenedEvent) {
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
    ...(e.undecryptable ? { personalData: { error: e.undecryptable.code, reason: e.undecryptable.reason } } : {}),
  };
}

/** Auditors' views of stored events: opened (decrypted) once per page; undecryptable ones logged by id. */
export async function openedViews(
  events: readonly StoredEvent[],
  opener: EventOpener,
  logger: { warn(obj: object, msg: string): void },
) {
  const opened = await opener.open(events);
  for (const e of opened)
    if (e.undecryptable)
      logger.warn({ eventId: e.id, reason: e.undecryptable.reason }, 'an event in the audit history does not decrypt');
  return opened.map(auditView);
}

export type EventFilter = { types?: string[]; actor?: string; from?: Date; to?: Date };

/** Scans at most this many events per request; the cursor lets the client go on. */
const SCAN_LIMIT = 20_000;

/**
 * The global log filtered by type (on the store), actor and recording time, paged by
 * position: `nextCursor` is the last position scanned, so a page may hold fewer than `limit`
 * events and still have a next one.
 */
export async function filteredEvents(
  store: EventStore,
  views: (events: readonly StoredEvent[]) => Promise<ReturnType<typeof auditView>[]>,
  filter: EventFilter,
  after: string | undefined,
  limit: number,
) {
  let from: 'start' | bigint = after ? parsePosition(after) : 'start';
  const chosen: StoredEvent[] = [];
  let nextCursor: string | null = null;
  scan: for (let scanned = 0; ;) {
    if (scanned >= SCAN_LIMIT) {
      nextCursor = from === 'start' ? null : positionToString(from);
      break;
    }
    const page = await store.readAll({ fromPosition: from, maxCount: 1000, eventTypes: filter.types });
    for (const e of page) {
      from = e.position;
      scanned++;
      if (matches(e, filter)) chosen.push(e);
      if (chosen.length >= limit) {
        nextCursor = positionToString(e.position);
        break scan;
      }
    }
    if (page.length < 1000) break;
  }
  return { items: await views(chosen), nextCursor };
}

function matches(e: StoredEvent, filter: EventFilter): boolean {
  const actor = (e.metadata['actor'] as { id?: unknown } | undefined)?.id;
  if (filter.actor !== undefined && actor !== filter.actor) return false;
  if (filter.from && e.recordedAt < filter.from) return false;
  if (filter.to && e.recordedAt > filter.to) return false;
  return true;
}
