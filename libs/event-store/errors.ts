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

/**
 * The store deleted the stream: it can be neither written nor (when tombstoned) read. Only
 * EventStoreDB deletes streams, and only when an operator asks it to; caretrack never does.
 */
export class StreamDeleted extends EventStoreError {
  readonly code = 'stream_deleted';
  constructor(
    readonly stream: string,
    /** `tombstoned`: hard-deleted; `soft_deleted`: its events were hidden by a soft delete */
    readonly how: 'tombstoned' | 'soft_deleted',
  ) {
    super(`stream ${stream} was deleted in the event store (${how.replace('_', ' ')})`);
    this.name = 'StreamDeleted';
  }
}

/** The store refuses an append this large (EventStoreDB's maximum append size); nothing was written. */
export class AppendTooLarge extends EventStoreError {
  readonly code = 'append_too_large';
  constructor(
    readonly stream: string,
    /** the store's limit in bytes, when it said */
    readonly maxBytes: number | null,
  ) {
    super(
      `the append to ${stream} exceeds the event store's maximum append size${maxBytes === null ? '' : ` of ${maxBytes} bytes`}`,
    );
    this.name = 'AppendTooLarge';
  }
}
