import { randomUUID } from 'node:crypto';

/**
 * The double's transaction log: every record in $all order, indexed by stream and by event
 * id. Appends are synchronous (JavaScript runs one at a time), so the log is written in
 * position order like EventStoreDB's single writer, and a reader never sees a gap close.
 */

/** One event as written. Its commit and prepare positions are both `logPosition` (see docs/esdb-test-double.md). */
export type LogRecord = {
  logPosition: bigint;
  streamId: string;
  /** 0 for the stream's first event */
  revision: bigint;
  /** lower-case UUID */
  eventId: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch: ESDB's `created` metadata value */
  created: bigint;
};

export type ProposedEvent = Pick<LogRecord, 'eventId' | 'type' | 'contentType' | 'data' | 'metadata'>;

/** The expected stream state of an append, as the gRPC options carry it. */
export type Expectation = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOutcome =
  | { kind: 'written'; lastRevision: bigint; lastPosition: bigint }
  /** the stream was tombstoned (hard-deleted): it takes no event, ever */
  | { kind: 'stream_deleted' }
  /**
   * the same event ids already sit at these revisions (or no event was proposed): nothing
   * written, and ESDB reports no position; `null` = the stream has no event
   */
  | { kind: 'idempotent'; lastRevision: bigint | null }
  | { kind: 'wrong_expected_version'; current: bigint | null };

/** Bytes a record takes in the double's log: positions advance like byte offsets, not by one. */
function recordSize(streamId: string, event: ProposedEvent): bigint {
  return BigInt(
    88 + Buffer.byteLength(streamId) + Buffer.byteLength(event.type) + event.data.length + event.metadata.length,
  );
}

export class EventLog {
  readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  /** tombstoned (hard-deleted) streams */
  private readonly tombstoned = new Set<string>();
  /** soft-deleted or truncated streams: the first revision reads still show ($tb) */
  private readonly truncateBefore = new Map<string, bigint>();
  private readonly byId = new Map<string, LogRecord>();
  private head = 0n;
  private wake: () => void = () => undefined;
  private appended = new Promise<void>((resolve) => (this.wake = resolve));

  /** Resolves at the next append. */
  nextAppend(): Promise<void> {
    return this.appended;
  }

  /** Index of the first record at or after (`inclusive`) or strictly after `position`. */
  indexFrom(position: bigint, inclusive: boolean): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const p = this.records[mid]!.logPosition;
      if (p < position || (!inclusive && p === position)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  stream(streamId: string): readonly LogRecord[] {
    return this.streams.get(streamId) ?? [];
  }

  /** The events a stream read shows: none before the stream's `$tb` (soft delete). */
  visible(streamId: string): readonly LogRecord[] {
    const tb = this.truncateBefore.get(streamId);
    const all = this.stream(streamId);
    return tb === undefined ? all : all.filter((record) => record.revision >= tb);
  }

  isTombstoned(streamId: string): boolean {
    return this.tombstoned.has(streamId);
  }

  /**
   * Soft delete, as ESDB does it: the stream's metadata (in `$$<stream>`) gets `$tb` = the next
   * revision, so reads show nothing (StreamNotFound) while the events stay in $all; an append
   * continues at that revision (see docs/esdb-test-double.md for what is uncertain here).
   */
  softDelete(streamId: string): void {
    const next = BigInt(this.stream(streamId).length);
    this.truncateBefore.set(streamId, next);
    this.appendSystem(`$$${streamId}`, '$metadata', { $tb: Number(next) });
  }

  /** Hard delete: the stream is gone for good; reads and appends answer StreamDeleted. */
  tombstone(streamId: string): void {
    this.tombstoned.add(streamId);
  }

  /**
   * Appends all events or none, with EventStoreDB's expected-version and idempotency rules:
   * the same ids already stored at the revisions the expectation points to make the append
   * a no-op success; a partial match is a wrong expected version.
   */
  append(streamId: string, expected: Expectation, events: readonly ProposedEvent[]): AppendOutcome {
    if (this.tombstoned.has(streamId)) return { kind: 'stream_deleted' };
    const stream = this.streams.get(streamId) ?? [];
    // A soft-deleted stream whose events are all hidden counts as no stream for the expectation.
    const hidden = this.visible(streamId).length === 0 && stream.length > 0;
    const current = stream.length === 0 || (hidden && expected === 'no_stream') ? null : BigInt(stream.length - 1);
    const wrong: AppendOutcome = { kind: 'wrong_expected_version', current };
    if (expected === 'stream_exists' && current === null) return wrong;
    if (events.length === 0) return { kind: 'idempotent', lastRevision: current };

    if (expected === 'any' || expected === 'stream_exists') {
      // ESDB consults its cache of recent event ids: best effort for `any`.
      const known = this.byId.get(events[0]!.eventId);
      if (known && known.streamId === streamId) return this.replay(stream, known.revision, events) ?? wrong;
      return this.write(streamId, stream, events);
    }
    const expectedRevision = expected === 'no_stream' ? -1n : expected;
    const actual = current ?? -1n;
    if (actual === expectedRevision) return this.write(streamId, stream, events);
    if (actual > expectedRevision) return this.replay(stream, expectedRevision + 1n, events) ?? wrong;
    return wrong;
  }

  /** A system record (`$`-prefixed stream), as the server writes them. */
  appendSystem(streamId: string, type: string, data: object): void {
    const bytes = new TextEncoder().encode(JSON.stringify(data));
    const event: ProposedEvent = {
      eventId: randomUUID(),
      type,
      contentType: 'application/json',
      data: bytes,
      metadata: new Uint8Array(),
    };
    this.write(streamId, this.streams.get(streamId) ?? [], [event]);
  }

  private replay(stream: LogRecord[], start: bigint, events: readonly ProposedEvent[]): AppendOutcome | null {
    const matches = events.every((event, i) => stream[Number(start) + i]?.eventId === event.eventId);
    return matches ? { kind: 'idempotent', lastRevision: start + BigInt(events.length - 1) } : null;
  }

  private write(streamId: string, stream: LogRecord[], events: readonly ProposedEvent[]): AppendOutcome {
    const created = BigInt(Date.now()) * 10_000n;
    for (const event of events) {
      const record: LogRecord = {
        ...event,
        streamId,
        revision: BigInt(stream.length),
        logPosition: this.head,
        created,
      };
      this.head += recordSize(streamId, event);
      stream.push(record);
      this.records.push(record);
      this.byId.set(record.eventId, record);
    }
    this.streams.set(streamId, stream);
    const wake = this.wake;
    this.appended = new Promise<void>((resolve) => (this.wake = resolve));
    wake();
    const last = stream[stream.length - 1]!;
    return { kind: 'written', lastRevision: last.revision, lastPosition: last.logPosition };
  }
}
