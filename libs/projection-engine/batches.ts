import type { StoredEvent } from '../event-store/index.js';

const IDLE = Symbol('idle');

/**
 * Groups a subscription's events into batches: it waits for the first event, then takes
 * every event already available (up to `maxSize`) without waiting for more. Catching up
 * gives full batches; live traffic gives small ones at once.
 */
export async function* batchesOf(events: AsyncIterable<StoredEvent>, maxSize: number): AsyncGenerator<StoredEvent[]> {
  const iterator = events[Symbol.asyncIterator]();
  let pending = iterator.next();
  for (;;) {
    const first = await pending;
    if (first.done) return;
    const batch = [first.value];
    pending = iterator.next();
    while (batch.length < maxSize) {
      const next = await Promise.race([pending, new Promise<typeof IDLE>((resolve) => setImmediate(() => resolve(IDLE)))]);
      if (next === IDLE) break;
      if (next.done) {
        yield batch;
        return;
      }
      batch.push(next.value);
      pending = iterator.next();
    }
    yield batch;
  }
}
