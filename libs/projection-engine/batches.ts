import { isCheckpoint, type Position, type StoredEvent, type SubscriptionCheckpoint } from '../event-store/index.js';

const IDLE = Symbol('idle');

/** Events to apply, and how far the store had read when the batch ended (when it said so). */
export type Batch = { events: StoredEvent[]; checkpoint: Position | null };

/**
 * An iterator that can hand over what it already holds without a promise: the next item, the
 * end, or `undefined` when nothing is buffered (then `next()` waits for it). `prefetch` gives
 * one; `batchesOf` then fills a batch from its buffer synchronously.
 */
export type DrainableIterator<T> = AsyncIterator<T> & { drain(): IteratorResult<T> | undefined };

/**
 * Groups a subscription's items into batches: it waits for the first item, then takes every
 * item already available (up to `maxSize` events) without waiting for more. A checkpoint ends
 * its batch, so it is only acted on after the events before it. Catching up gives full
 * batches; live traffic gives small ones at once. From a `prefetch`ed source the items already
 * read ahead are taken synchronously (no promise, no event-loop turn per event); only when
 * its buffer is empty does it give a read in flight one turn of the event loop to arrive.
 */
export async function* batchesOf(
  items: AsyncIterable<StoredEvent | SubscriptionCheckpoint>,
  maxSize: number,
): AsyncGenerator<Batch> {
  const iterator: AsyncIterator<StoredEvent | SubscriptionCheckpoint> &
    Partial<DrainableIterator<StoredEvent | SubscriptionCheckpoint>> = items[Symbol.asyncIterator]();
  /** a `next()` not yet consumed: while one is out, the buffer's items are its successors */
  let pending: Promise<IteratorResult<StoredEvent | SubscriptionCheckpoint>> | null = null;
  for (;;) {
    const first = await (pending ?? iterator.next());
    pending = null;
    if (first.done) return;
    if (isCheckpoint(first.value)) {
      yield { events: [], checkpoint: first.value.checkpoint };
      continue;
    }
    const events = [first.value];
    let checkpoint: Position | null = null;
    while (events.length < maxSize) {
      let next = pending === null ? iterator.drain?.() : undefined;
      if (next === undefined) {
        pending ??= iterator.next();
        const raced = await Promise.race([
          pending,
          new Promise<typeof IDLE>((resolve) => setImmediate(() => resolve(IDLE))),
        ]);
        if (raced === IDLE) break;
        pending = null;
        next = raced;
      }
      if (next.done) {
        yield { events, checkpoint: null };
        return;
      }
      if (isCheckpoint(next.value)) {
        checkpoint = next.value.checkpoint;
        break;
      }
      events.push(next.value);
    }
    yield { events, checkpoint };
  }
}

/**
 * Reads ahead: pulls up to `limit` items from `source` into a buffer while the consumer is
 * busy with earlier ones (the next page of the log is read while the current batch is
 * applied). Memory is bounded by `limit` items.
 */
export function prefetch<T>(source: AsyncIterable<T>, limit: number): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = source[Symbol.asyncIterator]();
      // A queue: `buffer[head…]` are waiting; taken slots are cleared at once (the consumer may
      // hold on to nothing it has passed on) and the array is compacted as it drains.
      let buffer: (T | undefined)[] = [];
      let head = 0;
      let done = false;
      let failure: { error: unknown } | null = null;
      let wakeConsumer: (() => void) | null = null;
      let wakePump: (() => void) | null = null;
      const signalConsumer = () => {
        const wake = wakeConsumer;
        wakeConsumer = null;
        wake?.();
      };
      const pump = async () => {
        try {
          for (;;) {
            while (buffer.length - head >= limit) await new Promise<void>((resolve) => (wakePump = resolve));
            const next = await iterator.next();
            if (next.done) break;
            buffer.push(next.value);
            signalConsumer();
          }
        } catch (error) {
          failure = { error };
        }
        done = true;
        signalConsumer();
      };
      /** The oldest buffered item (there is one), its slot cleared; wakes the pump. */
      const take = (): T => {
        const value = buffer[head] as T;
        buffer[head++] = undefined;
        if (head === buffer.length) {
          buffer = [];
          head = 0;
        } else if (head >= 1024 && head * 2 >= buffer.length) {
          buffer = buffer.slice(head);
          head = 0;
        }
        const wake = wakePump;
        wakePump = null;
        wake?.();
        return value;
      };
      void pump();
      const reader: DrainableIterator<T> = {
        async next(): Promise<IteratorResult<T>> {
          while (head >= buffer.length) {
            if (failure) throw failure.error;
            if (done) return { done: true, value: undefined };
            await new Promise<void>((resolve) => (wakeConsumer = resolve));
          }
          return { done: false, value: take() };
        },
        drain(): IteratorResult<T> | undefined {
          if (head < buffer.length) return { done: false, value: take() };
          if (failure) throw failure.error;
          return done ? { done: true, value: undefined } : undefined;
        },
        async return(): Promise<IteratorResult<T>> {
          // Not awaited: the source may be waiting for new events; closing it ends that wait.
          done = true;
          void iterator.return?.();
          return { done: true, value: undefined };
        },
      };
      return reader;
    },
  };
}
