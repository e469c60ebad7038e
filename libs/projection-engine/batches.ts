import { isCheckpoint, type Position, type StoredEvent, type SubscriptionCheckpoint } from '../event-store/index.js';

const IDLE = Symbol('idle');

/** Events to apply, and how far the store had read when the batch ended (when it said so). */
export type Batch = { events: StoredEvent[]; checkpoint: Position | null };

/**
 * Groups a subscription's items into batches: it waits for the first item, then takes every
 * item already available (up to `maxSize` events) without waiting for more. A checkpoint ends
 * its batch, so it is only acted on after the events before it. Catching up gives full
 * batches; live traffic gives small ones at once.
 */
export async function* batchesOf(
  items: AsyncIterable<StoredEvent | SubscriptionCheckpoint>,
  maxSize: number,
): AsyncGenerator<Batch> {
  const iterator = items[Symbol.asyncIterator]();
  let pending = iterator.next();
  for (;;) {
    const first = await pending;
    if (first.done) return;
    pending = iterator.next();
    if (isCheckpoint(first.value)) {
      yield { events: [], checkpoint: first.value.checkpoint };
      continue;
    }
    const events = [first.value];
    let checkpoint: Position | null = null;
    while (events.length < maxSize) {
      const next = await Promise.race([
        pending,
        new Promise<typeof IDLE>((resolve) => setImmediate(() => resolve(IDLE))),
      ]);
      if (next === IDLE) break;
      if (next.done) {
        yield { events, checkpoint: null };
        return;
      }
      pending = iterator.next();
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
      void pump();
      return {
        async next(): Promise<IteratorResult<T>> {
          while (head >= buffer.length) {
            if (failure) throw failure.error;
            if (done) return { done: true, value: undefined };
            await new Promise<void>((resolve) => (wakeConsumer = resolve));
          }
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
          return { done: false, value };
        },
        async return(): Promise<IteratorResult<T>> {
          // Not awaited: the source may be waiting for new events; closing it ends that wait.
          done = true;
          void iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
