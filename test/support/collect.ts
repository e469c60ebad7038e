import type { StoredEvent, Subscription } from '../../libs/event-store/index.js';

/**
 * Reads a subscription into an array in the background until `stop()` or until `count`
 * events arrived. `settled(idleMs)` resolves once no event came for `idleMs`.
 */
export function collect(subscription: Subscription, count = Number.POSITIVE_INFINITY) {
  const events: StoredEvent[] = [];
  let lastArrival = Date.now();
  let failure: unknown;
  let stopped = false;
  const done = (async () => {
    try {
      for await (const event of subscription) {
        events.push(event);
        lastArrival = Date.now();
        if (events.length >= count) break;
      }
    } catch (error) {
      failure = error;
    }
  })();
  return {
    events,
    /** Resolves when `count` events arrived, or rejects after `timeoutMs`. */
    async reach(n: number, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (failure) throw failure;
        if (stopped) throw new Error(`subscription stopped after ${events.length} of ${n} events`);
        if (Date.now() > deadline)
          throw new Error(`subscription delivered ${events.length} of ${n} events in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** Resolves once nothing new arrived for `idleMs`. */
    async settled(idleMs: number): Promise<void> {
      while (!stopped && Date.now() - lastArrival < idleMs) await new Promise((r) => setTimeout(r, idleMs / 4));
    },
    async stop(): Promise<void> {
      stopped = true;
      await subscription.close();
      await done;
      if (failure) throw failure;
    },
  };
}

/** Exactly-once, in-order delivery: what the concurrency test checks. */
export function deliveryReport(expectedIds: readonly string[], seen: readonly StoredEvent[]) {
  const expected = new Set(expectedIds);
  const counts = new Map<string, number>();
  for (const e of seen) if (expected.has(e.id)) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
  const missing = expectedIds.filter((id) => !counts.has(id));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const outOfOrder = seen.filter((e, i) => i > 0 && e.position <= seen[i - 1]!.position).length;
  return { missing: missing.length, duplicated: duplicated.length, outOfOrder };
}
