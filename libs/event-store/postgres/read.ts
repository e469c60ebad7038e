import { sql, type Kysely } from 'kysely';
import type {
  DecisionRead,
  DecisionReadOptions,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
} from '../event-store.js';
import { StreamNotFound } from '../errors.js';
import { eventColumns, toStoredEvent, type EventRow } from './rows.js';

/**
 * Reads one stream by revision; `StreamNotFound` when it holds no event. One statement (one
 * snapshot) answers both "which events" and "does the stream exist", so a stream that appears
 * while it is read is either found whole or not at all.
 */
export async function readStreamEvents(
  db: Kysely<unknown>,
  schema: string,
  stream: string,
  options: ReadStreamOptions = {},
): Promise<StoredEvent[]> {
  const table = sql.id(schema, 'events');
  const backwards = options.direction === 'backwards';
  const from = options.fromRevision;
  const bound =
    from === undefined
      ? sql``
      : backwards
        ? sql`AND revision <= ${String(from)}::bigint`
        : sql`AND revision >= ${String(from)}::bigint`;
  const limit = options.maxCount === undefined ? sql`` : sql`LIMIT ${options.maxCount}`;
  const direction = backwards ? sql`DESC` : sql`ASC`;
  const { rows } = await sql<Partial<EventRow> & { stream_exists: boolean }>`SELECT h.stream_exists, e.* FROM
      (SELECT EXISTS (SELECT 1 FROM ${table} WHERE stream_id = ${stream}) AS stream_exists) h
      LEFT JOIN LATERAL (SELECT ${eventColumns}, revision AS sort_revision FROM ${table}
        WHERE stream_id = ${stream} ${bound} ORDER BY revision ${direction} ${limit}) e ON true
    ORDER BY e.sort_revision ${direction}`.execute(db);
  if (!rows[0]?.stream_exists) throw new StreamNotFound(stream);
  return rows.filter(isEventRow).map(toStoredEvent);
}

/**
 * The read before a decision, in one statement: the stream's events after `afterRevision`,
 * its last revision, and which of `factStreams` hold an event — all from one snapshot.
 */
export async function readDecisionState(
  db: Kysely<unknown>,
  schema: string,
  stream: string,
  options: DecisionReadOptions = {},
): Promise<DecisionRead> {
  const table = sql.id(schema, 'events');
  const after =
    options.afterRevision === undefined ? sql`` : sql`AND revision > ${String(options.afterRevision)}::bigint`;
  const facts = [...(options.factStreams ?? [])];
  const { rows } = await sql<
    Partial<EventRow> & { current_text: string | null; existing: string[] | null }
  >`SELECT h.current_text, h.existing, e.* FROM
      (SELECT (SELECT max(revision)::text FROM ${table} WHERE stream_id = ${stream}) AS current_text,
              ARRAY(SELECT f FROM unnest(${facts}::text[]) AS f WHERE EXISTS (SELECT 1 FROM ${table} WHERE stream_id = f)) AS existing) h
      LEFT JOIN LATERAL (SELECT ${eventColumns}, revision AS sort_revision FROM ${table}
        WHERE stream_id = ${stream} ${after} ORDER BY revision) e ON true
    ORDER BY e.sort_revision`.execute(db);
  const head = rows[0]!;
  return {
    events: rows.filter(isEventRow).map(toStoredEvent),
    revision: head.current_text === null ? null : BigInt(head.current_text),
    existingStreams: head.existing ?? [],
  };
}

function isEventRow<R extends Partial<EventRow>>(row: R): row is R & EventRow {
  return row.position_text !== null && row.position_text !== undefined;
}

/** Reads the whole log by position, optionally only some event types. */
export async function readAllEvents(
  db: Kysely<unknown>,
  schema: string,
  options: ReadAllOptions,
): Promise<StoredEvent[]> {
  const table = sql.id(schema, 'events');
  const backwards = options.direction === 'backwards';
  const from = options.fromPosition ?? (backwards ? 'end' : 'start');
  const bound =
    from === 'start' || from === 'end'
      ? sql``
      : backwards
        ? sql`AND position < ${String(from)}::bigint`
        : sql`AND position > ${String(from)}::bigint`;
  const types = options.eventTypes ? sql`AND type = ANY(${[...options.eventTypes]}::text[])` : sql``;
  const { rows } = await sql<EventRow>`SELECT ${eventColumns} FROM ${table}
    WHERE true ${bound} ${types}
    ORDER BY position ${backwards ? sql`DESC` : sql`ASC`} LIMIT ${options.maxCount}`.execute(db);
  return rows.map(toStoredEvent);
}

/** Position of the log's last event, or null when empty. */
export async function readHeadPosition(db: Kysely<unknown>, schema: string): Promise<bigint | null> {
  const { rows } = await sql<{
    head: string | null;
  }>`SELECT max(position)::text AS head FROM ${sql.id(schema, 'events')}`.execute(db);
  return rows[0]?.head == null ? null : BigInt(rows[0].head);
}

/** Counts events after a position (optionally of some types), stopping at `limit`. */
export async function countEventsAfter(
  db: Kysely<unknown>,
  schema: string,
  options: { after: 'start' | bigint; eventTypes?: readonly string[]; limit?: number },
): Promise<number> {
  const bound = options.after === 'start' ? sql`` : sql`AND position > ${String(options.after)}::bigint`;
  const types = options.eventTypes ? sql`AND type = ANY(${[...options.eventTypes]}::text[])` : sql``;
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM (SELECT 1 FROM ${sql.id(schema, 'events')}
    WHERE true ${bound} ${types} LIMIT ${options.limit ?? 1_000_000}) s`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Every event of each of `streams`, in revision order, from one statement; streams without events are absent. */
export async function readStreamsEvents(
  db: Kysely<unknown>,
  schema: string,
  streams: readonly string[],
): Promise<Map<string, StoredEvent[]>> {
  const byStream = new Map<string, StoredEvent[]>();
  if (streams.length === 0) return byStream;
  const { rows } = await sql<EventRow>`SELECT ${eventColumns} FROM ${sql.id(schema, 'events')}
    WHERE stream_id = ANY(${[...new Set(streams)]}::text[]) ORDER BY stream_id, revision`.execute(db);
  for (const row of rows) {
    const event = toStoredEvent(row);
    const list = byStream.get(event.streamId);
    if (list) list.push(event);
    else byStream.set(event.streamId, [event]);
  }
  return byStream;
}
