import type { StoredEvent, SubscribeOptions, Subscription, SubscriptionCheckpoint } from '../event-store.js';
import type { Position } from '../position.js';
import { isConnectionError } from './connection-errors.js';
import { Wakeup } from './wakeup.js';

export type SubscriptionDeps = {
  readPage(after: 'start' | Position, maxCount: number, eventTypes?: readonly string[]): Promise<StoredEvent[]>;
  /** the log's head (for checkpoints): every event up to it is visible when read */
  readHead?(): Promise<Position | null>;
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
  return subscribeWithCheckpoints(deps, options, false) as Subscription;
}

/**
 * `subscribeByPaging` that also yields a checkpoint after each short page of a filtered read:
 * the head read before the page, when it lies beyond the last event delivered (appends are
 * serialized, so everything up to that head was visible to the page's query).
 */
export function subscribeWithCheckpoints(
  deps: SubscriptionDeps,
  options: SubscribeOptions = {},
  checkpoints = true,
): Subscription<StoredEvent | SubscriptionCheckpoint> {
  const wakeup = new Wakeup();
  let closed = false;
  const pageSize = options.pageSize ?? deps.pageSize;
  const liveReadIntervalMs = options.liveReadIntervalMs ?? 0;

  async function* run(): AsyncGenerator<StoredEvent | SubscriptionCheckpoint> {
    let last: 'start' | Position = options.fromPosition ?? 'start';
    let reported: Position | null = null;
    const unlisten = await withRetry(() => deps.listen(() => wakeup.signal()));
    /** when the last read started, while live (a full page means catching up: no pause) */
    let liveReadAt: number | null = null;
    try {
      while (!closed) {
        // Live: the notifications that came since the last read are read together, at most
        // every liveReadIntervalMs, not one read per append (they would compete with the appends).
        const pause = liveReadAt === null ? 0 : liveReadAt + liveReadIntervalMs - performance.now();
        if (pause > 0) await delay(pause);
        if (closed) return;
        wakeup.reset();
        const readAt = performance.now();
        const head =
          checkpoints && options.eventTypes && deps.readHead ? await withRetry(() => deps.readHead!()) : null;
        const page = await withRetry(() => deps.readPage(last, pageSize, options.eventTypes));
        for (const event of page) {
          if (closed) return;
          yield event;
          last = event.position;
        }
        liveReadAt = page.length < pageSize ? readAt : null;
        if (page.length < pageSize && !closed) {
          if (head !== null && (last === 'start' || head > last) && (reported === null || head > reported)) {
            reported = head;
            yield { checkpoint: head };
          }
          await wakeup.wait(deps.idleMs);
        }
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

  let cancelDelay: (() => void) | null = null;
  /** A pause that close() ends at once. */
  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        cancelDelay = null;
        resolve();
      }
      cancelDelay = done;
    });
  }

  const iterator = run();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      wakeup.signal();
      cancelDelay?.();
    },
  };
}
