import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../event-store.js';
import { subscribeByPaging } from './subscribe.js';

const event = (n: number): StoredEvent => ({
  id: `id-${n}`,
  type: 'T',
  data: { n },
  metadata: {},
  streamId: 's',
  revision: BigInt(n),
  position: BigInt(n),
  recordedAt: new Date(0),
});

describe('subscribeByPaging', () => {
  it('reads the next page only when the consumer has taken the previous one (backpressure)', async () => {
    const log = Array.from({ length: 10_000 }, (_, i) => event(i + 1));
    const reads: bigint[] = [];
    const subscription = subscribeByPaging(
      {
        readPage: async (after, max) => {
          const from = after === 'start' ? 0n : after;
          reads.push(from);
          return log.filter((e) => e.position > from).slice(0, max);
        },
        listen: async () => async () => undefined,
        pageSize: 100,
        idleMs: 1000,
      },
      {},
    );
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toEqual([0n]);
    for (let i = 1; i < 150; i++) await iterator.next();
    expect(reads).toEqual([0n, 100n]);
    await subscription.close();
  });

  it('wakes on a notification instead of waiting out the idle timer', async () => {
    let wake: () => void = () => undefined;
    const log: StoredEvent[] = [];
    const subscription = subscribeByPaging(
      {
        readPage: async (after) => log.filter((e) => after === 'start' || e.position > after),
        listen: async (onWake) => ((wake = onWake), async () => undefined),
        pageSize: 100,
        idleMs: 60_000,
      },
      {},
    );
    const iterator = subscription[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((r) => setTimeout(r, 20));
    log.push(event(1));
    const started = Date.now();
    wake();
    expect((await next).value?.id).toBe('id-1');
    expect(Date.now() - started).toBeLessThan(1000);
    await subscription.close();
  });

  it('retries a lost connection and resumes after the last delivered event', async () => {
    const log = [event(1), event(2), event(3)];
    let calls = 0;
    const subscription = subscribeByPaging(
      {
        readPage: async (after, max) => {
          calls++;
          if (calls === 2) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
          return log.filter((e) => after === 'start' || e.position > after).slice(0, max);
        },
        listen: async () => async () => undefined,
        pageSize: 2,
        idleMs: 1000,
      },
      {},
    );
    const seen: number[] = [];
    for await (const e of subscription) {
      seen.push(Number(e.position));
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  describe('live, with liveReadIntervalMs', () => {
    /** A log that grows by one event every 5 ms, each append notified, read by a consumer that always pulls (as the runner's read-ahead does). */
    async function follow(liveReadIntervalMs: number | undefined) {
      let wake: () => void = () => undefined;
      const log = [event(1)];
      const reads: number[] = [];
      const subscription = subscribeByPaging(
        {
          readPage: async (after) => {
            reads.push(Date.now());
            return log.filter((e) => after === 'start' || e.position > after);
          },
          listen: async (onWake) => ((wake = onWake), async () => undefined),
          pageSize: 100,
          idleMs: 60_000,
        },
        liveReadIntervalMs === undefined ? {} : { liveReadIntervalMs },
      );
      const seen: number[] = [];
      const consumed = (async () => {
        for await (const e of subscription) {
          seen.push(Number(e.position));
          if (seen.length === 6) return;
        }
      })();
      await new Promise((r) => setTimeout(r, 10));
      for (let n = 2; n <= 6; n++) {
        log.push(event(n));
        wake();
        await new Promise((r) => setTimeout(r, 5));
      }
      await consumed;
      await subscription.close();
      return { seen, reads };
    }

    it('reads the appends notified within one interval together, one read for them all', async () => {
      const { seen, reads } = await follow(200);
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
      expect(reads).toHaveLength(2);
      expect(reads[1]! - reads[0]!).toBeGreaterThanOrEqual(190);
    });

    it('without it, reads once per notification', async () => {
      const { seen, reads } = await follow(undefined);
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
      expect(reads.length).toBeGreaterThanOrEqual(5);
    });

    it('a close during the pause ends the subscription at once', async () => {
      let wake: () => void = () => undefined;
      const subscription = subscribeByPaging(
        {
          readPage: async () => [],
          listen: async (onWake) => ((wake = onWake), async () => undefined),
          pageSize: 100,
          idleMs: 60_000,
        },
        { liveReadIntervalMs: 60_000 },
      );
      const next = subscription[Symbol.asyncIterator]().next();
      await new Promise((r) => setTimeout(r, 10));
      wake(); // now pausing until a minute after the first read
      await new Promise((r) => setTimeout(r, 10));
      const started = Date.now();
      await subscription.close();
      expect(await next).toEqual({ done: true, value: undefined });
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
});
