import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  EventStoreUnavailable,
  StreamNotFound,
  WrongExpectedVersion,
  type EventStore,
  type EventToAppend,
  verifyIntegrity,
} from '../../libs/event-store/index.js';
import { UnstorableText } from '../../libs/event-store/postgres/append.js';
import type { BatchReport } from '../../libs/event-store/postgres/group-commit.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';

const ev = (type: string, data: Record<string, unknown> = {}): EventToAppend => ({ id: randomUUID(), type, data });

/**
 * Controls batches from inside their transactions: `hold()` makes the next batch wait (so the
 * appends sent meanwhile queue and share the batch after it), `failNext()` makes the batch
 * after the held one fail at its commit.
 */
function batchControl() {
  let holdNext = false;
  let failNext = false;
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  return {
    beforeCommit: async () => {
      if (holdNext) {
        holdNext = false;
        await gate;
        return;
      }
      if (failNext) {
        failNext = false;
        throw new Error('injected: the commit of this batch fails');
      }
    },
    hold() {
      holdNext = true;
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
    failNext: () => (failNext = true),
  };
}
type BatchControl = ReturnType<typeof batchControl>;

describe.each(['server', 'embedded'] as const)('group commit of the PostgreSQL event store [%s]', (kind) => {
  // One connection for the file (a PGlite instance costs ~750 MB); each store gets its own schema.
  let shared: Promise<DatabaseConnection> | null = null;
  const connect = () =>
    (shared ??=
      kind === 'server'
        ? openDatabase({ kind: 'server', url: testDatabaseUrl })
        : openDatabase({ kind: 'embedded', dataDir: null }));
  const schemas: string[] = [];
  afterAll(async () => {
    if (kind === 'server') for (const schema of schemas) await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await (await shared)?.close();
  });

  async function storeWith(hooks: BatchControl): Promise<{ store: EventStore; batches: BatchReport[] }> {
    const schema = uniqueName('es_group');
    schemas.push(schema);
    const batches: BatchReport[] = [];
    const store = await createPostgresEventStore({
      connection: await connect(),
      schema,
      appendHooks: { beforeCommit: hooks.beforeCommit },
      groupCommit: { maxInFlight: 1 },
      onBatch: (report) => batches.push(report),
    });
    return { store, batches };
  }

  /** Starts one append that holds the committer, then `appends` (which queue and share the next batch), then lets go. */
  async function behindAHeldBatch<T>(
    store: EventStore,
    hooks: BatchControl,
    appends: () => Promise<T>[],
  ): Promise<T[]> {
    hooks.hold();
    const holder = store.appendToStream(`holder-${randomUUID()}`, [ev('Holder')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const queued = appends();
    hooks.release();
    await holder;
    return Promise.all(queued);
  }

  it('a conflict in one append of a shared commit leaves the others committed', async () => {
    const hooks = batchControl();
    const { store, batches } = await storeWith(hooks);
    await store.appendToStream('existing', [ev('First')]);
    const streams = Array.from({ length: 6 }, (_, i) => `shared-${i}`);
    const results = await behindAHeldBatch(store, hooks, () => [
      ...streams.map((stream) =>
        store.appendToStream(stream, [ev('Fresh')], { expectedRevision: 'no_stream' }).then(
          (r) => r,
          (e: unknown) => e,
        ),
      ),
      store.appendToStream('existing', [ev('Stale')], { expectedRevision: 'no_stream' }).then(
        (r) => r,
        (e: unknown) => e,
      ),
    ]);
    // the seven appends went in one batch
    expect(batches.map((b) => b.calls)).toEqual([1, 1, 7]);
    expect(results.slice(0, 6).every((r) => !(r instanceof Error))).toBe(true);
    expect(results[6]).toBeInstanceOf(WrongExpectedVersion);
    expect(results[6]).toMatchObject({ stream: 'existing', actual: 0n });
    for (const stream of streams) expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Fresh']);
    expect((await store.readStream('existing')).map((e) => e.type)).toEqual(['First']);
    // positions are dense and in batch order
    const positions = results.slice(0, 6).map((r) => (r as { position: bigint }).position);
    expect(positions.map((p) => p - positions[0]!)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  });

  it('a failed commit reports every append in it as failed and writes none of them', async () => {
    const hooks = batchControl();
    const { store, batches } = await storeWith(hooks);
    hooks.failNext();
    const streams = Array.from({ length: 5 }, (_, i) => `doomed-${i}-${randomUUID().slice(0, 6)}`);
    const results = await behindAHeldBatch(store, hooks, () =>
      streams.map((stream) =>
        store.appendToStream(stream, [ev('Lost')]).then(
          (r) => r,
          (e: unknown) => e,
        ),
      ),
    );
    expect(batches.map((b) => [b.calls, b.failed])).toEqual([
      [1, false],
      [5, true],
    ]);
    for (const result of results) expect(result).toBeInstanceOf(EventStoreUnavailable);
    for (const stream of streams) await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFound);
    // the store goes on: the next append commits
    await expect(
      store.appendToStream(streams[0]!, [ev('Later')], { expectedRevision: 'no_stream' }),
    ).resolves.toMatchObject({ nextExpectedRevision: 0n });
  });

  it('data the database refuses fails only the call that carried it; the others of its batch commit', async () => {
    const hooks = batchControl();
    const { store, batches } = await storeWith(hooks);
    const results = await behindAHeldBatch(store, hooks, () => [
      store.appendToStream('fine-1', [ev('Fine')]).then(
        (r) => r,
        (e: unknown) => e,
      ),
      // PostgreSQL cannot keep \u0000 as text (22P05, UnstorableText): the whole batch fails at first
      store.appendToStream('poisoned', [ev('Poison', { text: 'a\u0000b' })]).then(
        (r) => r,
        (e: unknown) => e,
      ),
      store.appendToStream('fine-2', [ev('Fine')]).then(
        (r) => r,
        (e: unknown) => e,
      ),
    ]);
    expect(batches.slice(1, 3)).toEqual([
      expect.objectContaining({ calls: 3, failed: true }),
      expect.objectContaining({ calls: 1, failed: false }),
    ]);
    expect(results[0]).not.toBeInstanceOf(Error);
    expect(results[1]).toBeInstanceOf(Error);
    expect(results[1]).toBeInstanceOf(UnstorableText);
    expect(results[2]).not.toBeInstanceOf(Error);
    expect(await store.readStream('fine-1')).toHaveLength(1);
    expect(await store.readStream('fine-2')).toHaveLength(1);
    await expect(store.readStream('poisoned')).rejects.toBeInstanceOf(StreamNotFound);
  });

  it('appends to one stream queued in one batch each see the earlier ones', async () => {
    const hooks = batchControl();
    const { store, batches } = await storeWith(hooks);
    const results = await behindAHeldBatch(store, hooks, () =>
      [0n, 1n, 2n, 3n].map((expected, i) =>
        store.appendToStream('sequence', [ev(`Step${i}`)], {
          expectedRevision: expected === 0n ? 'no_stream' : expected - 1n,
        }),
      ),
    );
    expect(batches[1]).toMatchObject({ calls: 4, failed: false });
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 1n, 2n, 3n]);
    const stored = await store.readStream('sequence');
    expect(stored.map((e) => e.type)).toEqual(['Step0', 'Step1', 'Step2', 'Step3']);
  });

  it('a re-sent append queued behind its first copy is answered as a replay, stored once', async () => {
    const hooks = batchControl();
    const { store } = await storeWith(hooks);
    const events = [ev('Once')];
    const [first, second] = await behindAHeldBatch(store, hooks, () => [
      store.appendToStream('twice', events, { expectedRevision: 'no_stream' }),
      store.appendToStream('twice', events, { expectedRevision: 'no_stream' }),
    ]);
    expect(second).toEqual(first);
    expect(await store.readStream('twice')).toHaveLength(1);
  });

  it('a name holding a newline, which the events-as-lines encoding cannot carry, is stored and chained all the same', async () => {
    const hooks = batchControl();
    const { store } = await storeWith(hooks);
    const data = { text: 'line one\nline two\twith a tab \\ and "quotes"', nested: { b: 1, a: [null, 'x'] } };
    const [plain, odd] = await behindAHeldBatch(store, hooks, () => [
      store.appendToStreams([{ stream: 'lines-plain', events: [ev('One', data), ev('Two', data)] }]),
      store.appendToStreams([{ stream: 'lines\nodd', events: [ev('Odd\nType', data)] }]),
    ]);
    expect(plain!.every((o) => o.ok) && odd!.every((o) => o.ok)).toBe(true);
    expect((await store.readStream('lines-plain')).map((e) => [e.type, e.data])).toEqual([
      ['One', data],
      ['Two', data],
    ]);
    expect((await store.readStream('lines\nodd')).map((e) => [e.type, e.data])).toEqual([['Odd\nType', data]]);
    const report = await verifyIntegrity(store, await store.streamHeads!());
    expect(report).toMatchObject({ clean: true, events: 4 });
  });

  it('prepareAppends writes nothing until its commit is called, then answers as appendToStreams', async () => {
    const hooks = batchControl();
    const { store, batches } = await storeWith(hooks);
    await store.appendToStream('prepared-b', [ev('Before')]);
    const commit = store.prepareAppends!([
      { stream: 'prepared-a', events: [ev('A0'), ev('A1')], expectedRevision: 'no_stream' },
      { stream: 'prepared-b', events: [ev('B1')], expectedRevision: 'no_stream' },
    ]);
    expect(() => store.prepareAppends!([{ stream: 'prepared-c', events: [] }])).toThrow(RangeError);
    expect(batches).toHaveLength(1);
    expect(await store.headPosition()).toBe(1n);
    const [a, b] = await commit();
    expect(a).toEqual({ ok: true, result: { nextExpectedRevision: 1n, position: 3n } });
    expect(b!.ok ? null : b!.error).toBeInstanceOf(WrongExpectedVersion);
    expect((await store.readStream('prepared-a')).map((e) => e.type)).toEqual(['A0', 'A1']);
  });
});
