import type { StoredEvent, SubscribeOptions, Subscription } from '../event-store.js';
import type { Position } from '../position.js';
import { isConnectionError } from './connection-errors.js';
import { Wakeup } from './wakeup.js';

export type SubscriptionDeps = {
  readPage(after: 'start' | Position, maxCount: number, eventTypes?: readonly string[]): Promise<StoredEvent[]>;
  listen(onWake: () => void): Promise<() => Promise<void>>;
  onRetry?: (error: unknown, attempt: number) => void;
  pageSize: number;
  /** safety net only: re-read after this long without a notification */
  idleMs: number;
};

/**
 * Catch-up then live subscription over paged reads. A page is read only when the consumer
 * has taken the previous one, so memory stays at one page. Woken by LISTEN/NOTIFY; on a
 * lost connection it retries with backoff and resumes after the last event it delivered.
 */
export function subscribeByPaging(deps: SubscriptionDeps, options: SubscribeOptions = {}): Subscription {
  const wakeup = new Wakeup();
  let closed = false;

  async function* run(): AsyncGenerator<StoredEvent> {
    let last: 'start' | Position = options.fromPosition ?? 'start';
    const unlisten = await withRetry(() => deps.listen(() => wakeup.signal()));
    try {
      while (!closed) {
        wakeup.reset();
        const page = await withRetry(() => deps.readPage(last, deps.pageSize, options.eventTypes));
        for (const event of page) {
          if (closed) return;
          yield event;
          last = event.position;
        }
        if (page.length < deps.pageSize && !closed) await wakeup.wait(deps.idleMs);
      }
    } finally {
      await unlisten().catch(() => undefined);
    }
  }

  async function withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (closed || !isConnectionError(error)) throw error;
        deps.onRetry?.(error, attempt);
        await wakeup.wait(Math.min(2000, 50 * 2 ** attempt));
      }
    }
  }

  const iterator = run();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      wakeup.signal();
    },
  };
}
