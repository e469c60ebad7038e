import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import type {
  DecisionRead,
  DecisionReadOptions,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
} from '../event-store.js';
import type { FromPosition, Position } from '../position.js';
import { readToEnd, type EsdbClient } from './client.js';
import { isKnownPosition, packPosition, unpackPosition } from './esdb-position.js';
import { PositionUnavailable } from './errors.js';
import { eventTypeRegex, fromAll, toStoredEvent } from './events.js';

/** Largest count one filtered read asks for. */
const MAX_PAGE = 1000;

/** Reads one stream by revision; the client raises `StreamNotFoundError` when it holds no event. */
export async function readStreamEvents(
  client: EsdbClient,
  stream: string,
  options: ReadStreamOptions = {},
): Promise<StoredEvent[]> {
  const backwards = options.direction === 'backwards';
  const read = client.readStream(stream, {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision: options.fromRevision ?? (backwards ? END : START),
    maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
  });
  return (await readToEnd(read)).flatMap((resolved) => (resolved.event ? [toStoredEvent(resolved.event)] : []));
}

type Scan = { backwards: boolean; from: FromPosition | 'end'; eventTypes?: readonly string[]; pageSize: number };

/**
 * $all in one direction, strictly after (forwards) or before (backwards) `from`, without
 * system events, filtered by type on the server, one bounded read per page. ESDB reads
 * forwards from a position inclusively, so a page from a position asks for one more event
 * and drops the one at the position (either way the port stays exclusive).
 */
export async function* scanAll(client: EsdbClient, scan: Scan): AsyncGenerator<StoredEvent> {
  const regex = eventTypeRegex(scan.eventTypes);
  let cursor: Position | 'start' | 'end' = scan.from;
  for (;;) {
    const after = typeof cursor === 'bigint' ? cursor : null;
    const maxCount = scan.pageSize + (after === null ? 0 : 1);
    const page = await client.readAllFiltered({
      direction: scan.backwards ? BACKWARDS : FORWARDS,
      fromPosition: typeof cursor === 'bigint' ? unpackPosition(cursor) : cursor,
      maxCount,
      eventTypeRegex: regex,
    });
    for (const resolved of page) {
      const event = resolved.event;
      if (!event) continue;
      if (!isKnownPosition(event.position)) throw new PositionUnavailable(event.streamId, event.revision);
      const position = packPosition(event.position);
      if (after !== null && (scan.backwards ? position >= after : position <= after)) continue;
      cursor = position;
      const stored = fromAll(resolved);
      if (stored) yield stored;
    }
    if (page.length < maxCount || cursor === after) return;
  }
}

/** Reads the whole log by position, optionally only some event types. */
export async function readAllEvents(client: EsdbClient, options: ReadAllOptions): Promise<StoredEvent[]> {
  const backwards = options.direction === 'backwards';
  const events: StoredEvent[] = [];
  if (options.maxCount <= 0) return events;
  const from = options.fromPosition ?? (backwards ? 'end' : 'start');
  for await (const event of scanAll(client, {
    backwards,
    from,
    eventTypes: options.eventTypes,
    pageSize: Math.min(options.maxCount, MAX_PAGE),
  })) {
    events.push(event);
    if (events.length >= options.maxCount) break;
  }
  return events;
}

/** Counts events after a position (optionally of some types) by reading forwards, stopping at `limit`. */
export async function countEventsAfter(
  client: EsdbClient,
  options: { after: FromPosition; eventTypes?: readonly string[]; limit?: number },
): Promise<number> {
  const limit = options.limit ?? 1_000_000;
  let count = 0;
  if (limit <= 0) return count;
  for await (const _ of scanAll(client, {
    backwards: false,
    from: options.after,
    eventTypes: options.eventTypes,
    pageSize: Math.min(limit, MAX_PAGE),
  })) {
    if (++count >= limit) break;
  }
  return count;
}

/** Position of the log's last non-system event (read $all backwards, one event), or null. */
export async function readHeadPosition(client: EsdbClient): Promise<Position | null> {
  for await (const event of scanAll(client, { backwards: true, from: 'end', pageSize: 1 })) return event.position;
  return null;
}

/**
 * The read before a decision, as several reads (EventStoreDB has no multi-stream snapshot):
 * the stream from `afterRevision + 1`, then whether each fact stream has an event. Facts here
 * are existence facts, which never turn false, so reading them after the stream is safe.
 */
export async function readDecisionState(
  client: EsdbClient,
  stream: string,
  options: DecisionReadOptions = {},
): Promise<DecisionRead> {
  const after = options.afterRevision;
  let events: StoredEvent[];
  let exists = true;
  try {
    events = await readStreamEvents(client, stream, after === undefined ? {} : { fromRevision: after + 1n });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
    events = [];
    exists = false;
  }
  const existing = await Promise.all(
    (options.factStreams ?? []).map(async (fact) => {
      try {
        return (await readStreamEvents(client, fact, { maxCount: 1 })).length > 0 ? [fact] : [];
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    }),
  );
  const revision = events.length > 0 ? events[events.length - 1]!.revision : exists ? (after ?? null) : null;
  return { events, revision, existingStreams: existing.flat() };
}
