import type { ExpectedRevision } from './event-store.js';

/** Base of the event store's typed errors. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream's revision did not match the one the append expected. */
export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'wrong_expected_version';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** the stream's current revision, or `no_stream` when it has no event */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** A read of a stream that holds no event. */
export class StreamNotFound extends EventStoreError {
  readonly code = 'stream_not_found';
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
    this.name = 'StreamNotFound';
  }
}

/** The store cannot be reached; nothing was written. */
export class EventStoreUnavailable extends EventStoreError {
  readonly code = 'event_store_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailable';
  }
}
