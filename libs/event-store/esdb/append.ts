import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  StreamNotFoundError,
  type AppendResult as EsdbAppendResult,
} from '@eventstore/db-client';
import { assertWellFormedAppend } from '../append-each.js';
import { eventHash } from '../integrity-hash.js';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.js';
import { readToEnd, type EsdbClient } from './client.js';
import { isKnownPosition, packPosition } from './esdb-position.js';
import { StreamDeleted } from '../errors.js';
import { PositionUnavailable, translateErrors } from './errors.js';
import { HASH_KEY, toStoredEvent } from './events.js';

/**
 * Appends through the client (`BatchAppend` when the server offers it, else `Append`). The
 * same ids re-sent at the same expected revision make ESDB answer with the first result and
 * write nothing. A failed expectation becomes `WrongExpectedVersion`.
 */
export async function appendEvents(
  client: EsdbClient,
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  assertWellFormedAppend(stream, events);
  return translateErrors(
    async () => {
      // Chain each event's hash to the stream's last one; the hash rides in the metadata.
      let previous = await lastHash(client, stream);
      const proposed = events.map((event) => {
        const metadata = event.metadata ?? {};
        previous = eventHash(previous, { type: event.type, data: event.data, metadata });
        return jsonEvent({
          id: (event.id ?? randomUUID()).toLowerCase(),
          type: event.type,
          data: event.data,
          metadata: { ...metadata, [HASH_KEY]: previous },
        });
      });
      const result = await client.appendToStream(stream, proposed, { expectedRevision: expected });
      return {
        nextExpectedRevision: result.nextExpectedRevision,
        position: await lastEventPosition(client, stream, result, events.length),
      };
    },
    { stream, expected },
  );
}

/**
 * The hash of the stream's last event, or null for a new stream. A stream that reads as not found
 * but has stream metadata with a truncate-before (`$tb`) was soft-deleted: its revisions would go
 * on while its hash chain restarted at null, with the hidden events no longer readable to chain
 * to. Such a stream takes no more events (`StreamDeleted`); see docs/esdb-test-double.md.
 */
async function lastHash(client: EsdbClient, stream: string): Promise<string | null> {
  try {
    const [last] = await readToEnd(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }));
    return last?.event ? (toStoredEvent(last.event).hash ?? null) : null;
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  const { metadata } = await client.getStreamMetadata(stream);
  if (metadata?.truncateBefore !== undefined) throw new StreamDeleted(stream, 'soft_deleted');
  return null;
}

/**
 * The $all position of the last appended event. ESDB answers an append with the log position
 * of its commit: for one self-committed event that is the event's own (commit = prepare =
 * its log position), which is taken as is. For several events, and when the server sends no
 * position (an idempotent replay), the event is read back by revision (one more round trip).
 * See docs/esdb-test-double.md, "Append positions".
 */
async function lastEventPosition(
  client: EsdbClient,
  stream: string,
  result: EsdbAppendResult,
  count: number,
): Promise<bigint> {
  const reported = result.position;
  if (count === 1 && isKnownPosition(reported) && reported.commit === reported.prepare) return packPosition(reported);
  const read = client.readStream(stream, {
    fromRevision: result.nextExpectedRevision,
    direction: FORWARDS,
    maxCount: 1,
  });
  const [last] = await readToEnd(read);
  if (!last?.event) throw new PositionUnavailable(stream, result.nextExpectedRevision);
  return toStoredEvent(last.event).position;
}
