import type { EventStore, StoredEvent } from './event-store.js';
import { eventHash } from './integrity-hash.js';

/** One finding of an integrity check. */
export type IntegrityProblem = {
  stream: string;
  revision: string;
  kind: 'altered' | 'removed' | 'reordered' | 'unhashed';
  detail: string;
};

export type IntegrityReport = { clean: boolean; streams: number; events: number; problems: IntegrityProblem[] };

/** The last revision and hash each stream should end at (kept by the store beside the log). */
export type StreamHead = { stream: string; revision: bigint; hash: string };

/**
 * Walks the whole log and checks every stream's hash chain: an altered event fails its hash,
 * a removed one leaves a gap (or a shorter stream than its recorded head), reordered ones
 * come out of revision order. Reads in pages, so memory stays bounded by the stream count.
 */
export async function verifyIntegrity(
  store: EventStore,
  heads: readonly StreamHead[] = [],
  pageSize = 1000,
): Promise<IntegrityReport> {
  const last = new Map<string, { revision: bigint; hash: string | null }>();
  const problems: IntegrityProblem[] = [];
  let events = 0;
  let from: 'start' | bigint = 'start';
  for (;;) {
    const page: StoredEvent[] = await store.readAll({ fromPosition: from, maxCount: pageSize });
    for (const event of page) {
      events++;
      check(event, last, problems);
    }
    if (page.length < pageSize) break;
    from = page[page.length - 1]!.position;
  }
  for (const head of heads) {
    const seen = last.get(head.stream);
    if (!seen || seen.revision < head.revision) {
      const first = seen ? seen.revision + 1n : 0n;
      problems.push({
        stream: head.stream,
        revision: String(head.revision),
        kind: 'removed',
        detail: `events ${first}..${head.revision} are missing: the stream ends before its recorded head`,
      });
    } else if (seen.revision === head.revision && seen.hash !== head.hash) {
      problems.push({
        stream: head.stream,
        revision: String(head.revision),
        kind: 'altered',
        detail: 'the last hash differs from the recorded head',
      });
    }
  }
  return { clean: problems.length === 0, streams: last.size, events, problems };
}

function check(
  event: StoredEvent,
  last: Map<string, { revision: bigint; hash: string | null }>,
  problems: IntegrityProblem[],
): void {
  const previous = last.get(event.streamId);
  const expectedRevision = previous ? previous.revision + 1n : 0n;
  const report = (kind: IntegrityProblem['kind'], detail: string) =>
    problems.push({ stream: event.streamId, revision: String(event.revision), kind, detail });
  if (event.revision < expectedRevision)
    report('reordered', `revision ${event.revision} comes after revision ${previous?.revision} in the log`);
  else if (event.revision > expectedRevision)
    report('removed', `revisions ${expectedRevision}..${event.revision - 1n} are missing`);
  if (!event.hash) report('unhashed', 'the event carries no hash');
  else if (event.revision === expectedRevision && eventHash(previous?.hash ?? null, event) !== event.hash) {
    report('altered', 'the hash does not match the event and the previous hash');
  }
  // Continue from what is stored, so one tampered event is reported once, not for the whole stream.
  if (!previous || event.revision > previous.revision)
    last.set(event.streamId, { revision: event.revision, hash: event.hash ?? null });
}
