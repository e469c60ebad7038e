import { sql, type RawBuilder } from 'kysely';
import type { JsonObject, StoredEvent } from '../event-store.js';

/** One events row as selected by `eventColumns` (64-bit integers as text: PGlite returns numbers). */
export type EventRow = {
  position_text: string;
  stream_id: string;
  revision_text: string;
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  /** epoch milliseconds (a float8: parsing a timestamptz's text cost more than the rest of the row's columns together) */
  recorded_ms: number | string;
  hash: string | null;
};

/**
 * The select list matching `EventRow`. The text aliases must not be named `position` or
 * `revision`: ORDER BY would then sort by the text, not the number.
 */
export const eventColumns: RawBuilder<unknown> = sql`position::text AS position_text, stream_id, revision::text AS revision_text,
  event_id::text AS id, type, data, metadata, (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms, hash`;

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: BigInt(row.revision_text),
    position: BigInt(row.position_text),
    recordedAt: new Date(Number(row.recorded_ms)),
    ...(row.hash ? { hash: row.hash } : {}),
  };
}
