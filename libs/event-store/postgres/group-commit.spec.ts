import { describe, expect, it } from '@jest/globals';
import type { AppendOutcome } from '../event-store.js';
import { GroupCommit, type BatchFailure, type PreparedAppend } from './group-commit.js';

let nextId = 0;
const append = (stream: string, events = 1, size = 10, ids?: string[]): PreparedAppend => ({
  stream,
  expected: 'any',
  ids: ids ?? Array.from({ length: events }, () => `id-${nextId++}`),
  types: Array.from({ length: events }, () => 'T'),
  data: [],
  metadata: [],
  size,
});

/** A commit that records each batch and waits until released. */
function recorder() {
  const batches: string[][] = [];
  const waiting: (() => void)[] = [];
  const failing = new Set<number>();
  const commit = async (calls: PreparedAppend[][]): Promise<AppendOutcome[][]> => {
    const n = batches.push(calls.map((c) => c.map((a) => a.stream).join('+')));
    await new Promise<void>((resolve) => waiting.push(resolve));
    if (failing.has(n)) throw new Error(`batch ${n} failed`);
    return calls.map((c) =>
      c.map((): AppendOutcome => ({ ok: true, result: { nextExpectedRevision: 0n, position: 1n } })),
    );
  };
  /** Lets every batch through, one at a time, until none has come for a few turns of the event loop. */
  const releaseAll = async () => {
    for (let idle = 0; idle < 5;) {
      if (waiting.length > 0) {
        waiting.shift()!();
        idle = 0;
      } else idle++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  /** the `n`th batch (from 1) fails */
  return { batches, commit, releaseAll, failBatch: (n: number) => failing.add(n) };
}

const failAll = (): BatchFailure => ({ kind: 'fail', error: new Error('down') });

describe('GroupCommit', () => {
  it('sends a lone call at once, and commits the calls that queued meanwhile together', async () => {
    const r = recorder();
    const group = new GroupCommit(r.commit, failAll, { maxInFlight: 1, maxEvents: 100, maxChars: 1000 });
    const first = group.submit([append('a')]);
    expect(r.batches).toEqual([['a']]);
    const queued = [group.submit([append('b')]), group.submit([append('c'), append('d')])];
    expect(r.batches).toHaveLength(1);
    await r.releaseAll();
    await Promise.all([first, ...queued]);
    expect(r.batches).toEqual([['a'], ['b', 'c+d']]);
  });

  it('a caller that appends again as soon as it is answered joins the next batch, not a batch of its own', async () => {
    const r = recorder();
    const group = new GroupCommit(r.commit, failAll, { maxInFlight: 1, maxEvents: 100, maxChars: 1000 });
    // a few awaits between its answer and its next append, as a real caller has
    const again = group.submit([append('a')]).then(async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return group.submit([append('a2')]);
    });
    const queued = [group.submit([append('b')]), group.submit([append('c')])];
    await r.releaseAll();
    await Promise.all([again, ...queued]);
    expect(r.batches).toEqual([['a'], ['b', 'c', 'a2']]);
  });

  it('keeps a batch within its caps, but never splits a call', async () => {
    const r = recorder();
    const group = new GroupCommit(r.commit, failAll, { maxInFlight: 1, maxEvents: 3, maxChars: 1000 });
    const all = [
      group.submit([append('hold')]),
      group.submit([append('x', 2)]),
      group.submit([append('y', 2)]),
      group.submit([append('big', 5)]),
    ];
    await r.releaseAll();
    await Promise.all(all);
    expect(r.batches).toEqual([['hold'], ['x'], ['y'], ['big']]);
  });

  it('starts a new batch at a call that re-sends an id already in the batch', async () => {
    const r = recorder();
    const group = new GroupCommit(r.commit, failAll, { maxInFlight: 1, maxEvents: 100, maxChars: 1000 });
    const all = [
      group.submit([append('hold')]),
      group.submit([append('s', 1, 10, ['same'])]),
      group.submit([append('s', 1, 10, ['same'])]),
    ];
    await r.releaseAll();
    await Promise.all(all);
    expect(r.batches).toEqual([['hold'], ['s'], ['s']]);
  });

  it('fails every append of a failed batch with the classified error', async () => {
    const r = recorder();
    const group = new GroupCommit(r.commit, failAll, { maxInFlight: 2, maxEvents: 100, maxChars: 1000 });
    r.failBatch(1);
    const outcomes = group.submit([append('a'), append('b')]);
    await r.releaseAll();
    expect((await outcomes).map((o) => !o.ok && o.error.message)).toEqual(['down', 'down']);
  });

  it('on an isolating failure commits each call of the batch alone', async () => {
    const r = recorder();
    const group = new GroupCommit(r.commit, (): BatchFailure => ({ kind: 'isolate' }), {
      maxInFlight: 1,
      maxEvents: 100,
      maxChars: 1000,
    });
    r.failBatch(2);
    const all = [group.submit([append('hold')]), group.submit([append('p')]), group.submit([append('q')])];
    await r.releaseAll();
    expect((await Promise.all(all)).flat().map((o) => o.ok)).toEqual([true, true, true]);
    expect(r.batches).toEqual([['hold'], ['p', 'q'], ['p'], ['q']]);
  });
});
