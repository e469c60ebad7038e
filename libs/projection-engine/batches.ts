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
export async function* batchesOf(items: AsyncIterable<StoredEvent | SubscriptionCheckpoint>, maxSize: number): AsyncGenerator<Batch> {
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
      const next = await Promise.race([pending, new Promise<typeof IDLE>((resolve) => setImmediate(() => resolve(IDLE)))]);
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
