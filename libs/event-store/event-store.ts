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

/** One append of `appendToStreams`. */
export type StreamAppend = {
  stream: string;
  events: readonly EventToAppend[];
  /** default `any` */
  expectedRevision?: ExpectedRevision;
};

/** What became of one append of `appendToStreams`: its result, or why nothing of it was written. */
export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

/**
 * What a command handler reads before it decides, taken from one consistent view of the log:
 * the stream's events after a revision it already knows, the stream's current revision, and
 * which of some other streams exist (the facts of cross-aggregate rules).
 */
export type DecisionRead = {
  /** events with a revision greater than `afterRevision` (all when it is absent), in order */
  events: StoredEvent[];
  /** the stream's last revision, or null when it holds no event */
  revision: bigint | null;
  /** those of `factStreams` that hold at least one event */
  existingStreams: string[];
};

export type DecisionReadOptions = {
  /** a revision the caller has already folded: only later events are returned */
  afterRevision?: bigint;
  /** streams whose existence to report */
  factStreams?: readonly string[];
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
  /**
   * Once live, read the log at most this often (ms): the appends notified in between are read
   * together, in one read, instead of one read per append. A consumer that takes its events in
   * timed batches passes its interval. A hint; stores that push events ignore it. Default 0.
   */
  liveReadIntervalMs?: number;
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
  /**
   * Several appends at once, each atomic on its own and checked against its own expected
   * revision: one that fails (`WrongExpectedVersion`, `EventStoreUnavailable`, …) leaves the
   * others written. Appends to the same stream are applied in the order given, and once one
   * of them fails the later ones of that stream in this call are not tried (they fail with
   * `WrongExpectedVersion`), so a chain decided on each other's events never lands half.
   * Resolves to one outcome per append, in order; never rejects for a single append's failure.
   *
   * @example
   * const [a, b] = await store.appendToStreams([
   *   { stream: 'tracker-p1', events: [e1], expectedRevision: 4n },
   *   { stream: 'tracker-p2', events: [e2], expectedRevision: 'no_stream' },
   * ]);
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome[]>;
  /**
   * Optional (PostgreSQL): does the CPU work of `appendToStreams` now (checks, ids, canonical
   * JSON) and returns the function that commits them, with exactly `appendToStreams`'s
   * outcomes. A bulk writer prepares its next call while the previous one commits, and still
   * sends it only once that one has landed. Throws at once on a malformed append.
   *
   * @example const commit = store.prepareAppends?.(wave); await previous; const outcomes = await commit?.();
   */
  prepareAppends?(appends: readonly StreamAppend[]): () => Promise<AppendOutcome[]>;
  /** Throws `StreamNotFound` when the stream holds no event, `StreamDeleted` when it was tombstoned. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * Optional (PostgreSQL): every event of each of `streams`, in revision order, from one
   * statement (one consistent view); a stream that holds no event is absent from the map. A
   * bulk reader (the import's rerun) reads a page of streams at once instead of one by one.
   *
   * @example const byStream = await store.readStreams?.(['tracker-p1', 'patient-p1']); byStream?.get('tracker-p1') ?? []
   */
  readStreams?(streams: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  /**
   * The read before a decision: the stream's events after `afterRevision`, its current
   * revision and which `factStreams` exist, from one consistent view where the store has one
   * (PostgreSQL: one statement); EventStoreDB reads each in turn. Never throws `StreamNotFound`.
   */
  readForDecision(stream: string, options?: DecisionReadOptions): Promise<DecisionRead>;
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
