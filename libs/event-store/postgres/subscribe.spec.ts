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
});
