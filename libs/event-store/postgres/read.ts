import { sql, type Kysely } from 'kysely';
import type { ReadAllOptions, ReadStreamOptions, StoredEvent } from '../event-store.js';
import { StreamNotFound } from '../errors.js';
import { eventColumns, toStoredEvent, type EventRow } from './rows.js';

/** Reads one stream by revision; `StreamNotFound` when it holds no event. */
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
    from === undefined ? sql`` : backwards ? sql`AND revision <= ${String(from)}::bigint` : sql`AND revision >= ${String(from)}::bigint`;
  const limit = options.maxCount === undefined ? sql`` : sql`LIMIT ${options.maxCount}`;
  const { rows } = await sql<EventRow>`SELECT ${eventColumns} FROM ${table}
    WHERE stream_id = ${stream} ${bound}
    ORDER BY revision ${backwards ? sql`DESC` : sql`ASC`} ${limit}`.execute(db);
  if (rows.length === 0) {
    const exists = await sql`SELECT 1 FROM ${table} WHERE stream_id = ${stream} LIMIT 1`.execute(db);
    if (exists.rows.length === 0) throw new StreamNotFound(stream);
  }
  return rows.map(toStoredEvent);
}

/** Reads the whole log by position, optionally only some event types. */
export async function readAllEvents(db: Kysely<unknown>, schema: string, options: ReadAllOptions): Promise<StoredEvent[]> {
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
  const { rows } = await sql<{ head: string | null }>`SELECT max(position)::text AS head FROM ${sql.id(schema, 'events')}`.execute(db);
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
