import type { FromPosition, Position } from './position.js';

/** JSON object payloads: what events carry as data and metadata. */
export type JsonObject = { [key: string]: unknown };

/** An event handed to `appendToStream`. Re-sending the same ids makes the append idempotent. */
export type EventToAppend = {
  /** UUID; generated when absent (the append is then not idempotent). */
  id?: string;
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
};

/** An event as the log holds it. */
export type StoredEvent = {
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  streamId: string;
  /** 0 for the stream's first event */
  revision: bigint;
  position: Position;
  recordedAt: Date;
  /** SHA-256 chained to the previous event of the stream (see `integrity.ts`) */
  hash?: string;
};

/** The revision an append expects its stream to be at. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOptions = { expectedRevision?: ExpectedRevision };

export type AppendResult = {
  /** revision of the last event now in the stream */
  nextExpectedRevision: bigint;
  /** position of the last appended event */
  position: Position;
};

export type Direction = 'forwards' | 'backwards';

export type ReadStreamOptions = {
  direction?: Direction;
  /** inclusive; defaults to the first event (forwards) or the last (backwards) */
  fromRevision?: bigint;
  maxCount?: number;
};

export type ReadAllOptions = {
  direction?: Direction;
  /**
   * Exclusive. Forwards: `start` or events strictly after the position.
   * Backwards: `end` or events strictly before the position.
   */
  fromPosition?: FromPosition | 'end';
  maxCount: number;
  /** only events of these types (filtered by the store, not the caller) */
  eventTypes?: readonly string[];
};

export type SubscribeOptions = {
  fromPosition?: FromPosition;
  eventTypes?: readonly string[];
  /** events per read while catching up (a hint; stores may ignore it) */
  pageSize?: number;
};

/**
 * In a subscription with checkpoints: the store has looked at every event up to `checkpoint`
 * and delivered each that matched the filter. Comes in order with the events.
 */
export type SubscriptionCheckpoint = { readonly checkpoint: Position };

/** True for a checkpoint item of `subscribeToAllWithCheckpoints`. */
export function isCheckpoint(item: StoredEvent | SubscriptionCheckpoint): item is SubscriptionCheckpoint {
  return 'checkpoint' in item;
}

/**
 * A subscription to the whole log. Iterating catches up from `fromPosition`, then follows
 * live appends; the store reads a page only when the consumer asks for more, so a slow
 * consumer holds at most one page in memory. `close()` (or `break` in `for await`) ends it.
 */
export interface Subscription<T = StoredEvent> extends AsyncIterable<T> {
  close(): Promise<void>;
}

/**
 * The event log port. Every adapter passes `test/event-store/event-store.conformance.ts`.
 *
 * @example
 * const { position } = await store.appendToStream('patient-p1', [{ type: 'PatientRegistered', data }],
 *   { expectedRevision: 'no_stream' });
 */
export interface EventStore {
  /**
   * Appends all events or none. Throws `WrongExpectedVersion`; `StreamDeleted` when the store
   * deleted the stream (EventStoreDB: tombstoned or soft-deleted); `AppendTooLarge` when the
   * store refuses the size of the append.
   */
  appendToStream(stream: string, events: readonly EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /** Throws `StreamNotFound` when the stream holds no event, `StreamDeleted` when it was tombstoned. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /**
   * As `subscribeToAll`, also yielding checkpoints: a filtered subscription over a long run of
   * events it does not want still tells how far it has read, so a consumer's checkpoint moves.
   */
  subscribeToAllWithCheckpoints(options?: SubscribeOptions): Subscription<StoredEvent | SubscriptionCheckpoint>;
  /**
   * How many events lie strictly after `after` (of `eventTypes` when given), counting at most
   * `limit` (default 1,000,000): a projection's lag.
   */
  countEvents(options: { after: FromPosition; eventTypes?: readonly string[]; limit?: number }): Promise<number>;
  /** The position of the last event in the log, or `null` when the log is empty. */
  headPosition(): Promise<Position | null>;
  /** The recorded last revision and hash of every stream (detects a removed last event); empty where the store keeps none. */
  streamHeads?(): Promise<{ stream: string; revision: bigint; hash: string }[]>;
  /** Resolves when the store answers; throws `EventStoreUnavailable` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
