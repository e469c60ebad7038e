import type { StoredEvent, SubscriptionCheckpoint } from '../event-store/index.js';
import { batchesOf, prefetch, type Batch } from './batches.js';

type Item = StoredEvent | SubscriptionCheckpoint;

const event = (position: number): StoredEvent => ({
  id: `e${position}`,
  type: 'T',
  data: {},
  metadata: {},
  streamId: 's',
  revision: BigInt(position),
  position: BigInt(position),
  recordedAt: new Date(0),
});
const checkpoint = (position: number): SubscriptionCheckpoint => ({ checkpoint: BigInt(position) });

/** A source that yields its items, pausing (a timer) before those whose index is in `slowAt`. */
async function* source(items: readonly Item[], slowAt: ReadonlySet<number> = new Set()): AsyncGenerator<Item> {
  for (const [i, item] of items.entries()) {
    if (slowAt.has(i)) await new Promise((resolve) => setTimeout(resolve, 5));
    yield item;
  }
}

async function collect(batches: AsyncIterable<Batch>): Promise<{ events: number[]; checkpoint: number | null }[]> {
  const out = [];
  for await (const b of batches)
    out.push({
      events: b.events.map((e) => Number(e.position)),
      checkpoint: b.checkpoint === null ? null : Number(b.checkpoint),
    });
  return out;
}

describe('batchesOf', () => {
  const items: Item[] = [
    ...Array.from({ length: 25 }, (_, i) => event(i + 1)),
    checkpoint(30),
    ...Array.from({ length: 7 }, (_, i) => event(i + 31)),
  ];

  it('from a prefetched source, drained synchronously: every event once, in order, batches of at most maxSize, a checkpoint ends its batch', async () => {
    const reader = prefetch(source(items), 100);
    // let the read-ahead fill its buffer, so batches come from `drain`
    await new Promise((resolve) => setTimeout(resolve, 20));
    const batches = await collect(batchesOf(reader, 10));
    expect(batches.flatMap((b) => b.events)).toEqual(
      items.flatMap((i) => ('checkpoint' in i ? [] : [Number(i.position)])),
    );
    expect(batches.every((b) => b.events.length <= 10)).toBe(true);
    expect(batches.map((b) => b.events.length)).toEqual([10, 10, 5, 7]);
    expect(batches.map((b) => b.checkpoint)).toEqual([null, null, 30, null]);
  });

  it('gives the same events and checkpoints whether items are buffered, slow, or not prefetched', async () => {
    const slow = new Set([3, 11, 12, 26, 30]);
    const runs = await Promise.all([
      collect(batchesOf(prefetch(source(items, slow), 4), 6)),
      collect(batchesOf(source(items, slow), 6)),
      collect(batchesOf(prefetch(source(items), 1), 6)),
    ]);
    for (const batches of runs) {
      expect(batches.flatMap((b) => b.events)).toEqual(
        items.flatMap((i) => ('checkpoint' in i ? [] : [Number(i.position)])),
      );
      expect(batches.every((b) => b.events.length <= 6)).toBe(true);
      // the checkpoint comes after event 25 and before event 31
      const at = batches.findIndex((b) => b.checkpoint === 30);
      expect(
        batches
          .slice(0, at + 1)
          .flatMap((b) => b.events)
          .at(-1),
      ).toBe(25);
      expect(batches[at + 1]?.events[0]).toBe(31);
    }
  });

  it('a failing source fails the batches: the error surfaces, no event after it is invented', async () => {
    async function* failing(): AsyncGenerator<Item> {
      yield event(1);
      yield event(2);
      throw new Error('connection lost');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const b of batchesOf(prefetch(failing(), 10), 10))
          seen.push(...b.events.map((e) => Number(e.position)));
      })(),
    ).rejects.toThrow('connection lost');
    // the batch being filled when the read failed is dropped with it (the runner restarts from its checkpoint)
    expect([[], [1], [1, 2]]).toContainEqual(seen);
  });
});
