import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  EventStoreUnavailable,
  WrongExpectedVersion,
  type EventStore,
  type EventToAppend,
} from '../../libs/event-store/index.js';
import { createEsdbEventStore } from '../../libs/event-store/esdb/esdb-event-store.js';
import { startEsdbBackend } from '../support/esdb-double/backends.js';
import { startEsdbDouble, type EsdbDouble } from '../support/esdb-double/index.js';
import { collect } from '../support/collect.js';
import { eventStoreConformance } from './event-store.conformance.js';

// EVENTSTORE_URL, else an EventStoreDB container (testcontainers), else the in-process gRPC test double.
const backend = await startEsdbBackend();
process.stdout.write(`EventStoreDB adapter tests running against: ${backend.label}\n`);
afterAll(() => backend.stop());

eventStoreConformance({
  backend: backend.label,
  // ESDB's single writer commits appends one at a time; the PostgreSQL-only test seams do not apply.
  supportsNaiveControl: false,
  supportsDelayedCommits: false,
  async create() {
    const store = await createEsdbEventStore({ connectionString: backend.connectionString });
    return { store, dropConnections: backend.dropConnections, close: () => store.close() };
  },
});

const uid = () => randomUUID().slice(0, 8);
const ev = (type: string, n = 0): EventToAppend => ({ id: randomUUID(), type, data: { n } });

describe(`EventStoreDB adapter [backend: ${backend.label}]`, () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await createEsdbEventStore({ connectionString: backend.connectionString });
  });
  afterAll(async () => store?.close());

  it('a one-event append reports the $all position the event is read back at', async () => {
    const tag = uid();
    const { position } = await store.appendToStream(`one-${tag}`, [ev(`One${tag}`)]);
    const [viaStream] = await store.readStream(`one-${tag}`);
    const [viaAll] = await store.readAll({
      direction: 'backwards',
      fromPosition: 'end',
      maxCount: 1,
      eventTypes: [`One${tag}`],
    });
    expect([viaStream!.position, viaAll!.position]).toEqual([position, position]);
  });

  it('keeps system events ($-prefixed types and streams) out of readAll and subscriptions', async () => {
    const tag = uid();
    await store.appendToStream(`sys-${tag}`, [ev(`Sys${tag}`, 1), ev(`Sys${tag}`, 2)]);
    const isSystem = (e: { type: string; streamId: string }) => e.type.startsWith('$') || e.streamId.startsWith('$');
    expect((await store.readAll({ fromPosition: 'start', maxCount: 200 })).filter(isSystem)).toEqual([]);
    expect(
      (await store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 50 })).filter(isSystem),
    ).toEqual([]);
    const sub = collect(store.subscribeToAll({ fromPosition: 'start' }), 20);
    await sub.reach(2);
    await sub.stop();
    expect(sub.events.filter(isSystem)).toEqual([]);
  });

  it('reports an unreachable server as EventStoreUnavailable', async () => {
    await expect(createEsdbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' })).rejects.toBeInstanceOf(
      EventStoreUnavailable,
    );
  });
});

describe('EventStoreDB adapter, as the gRPC test double sees it', () => {
  async function withDouble(
    options: Parameters<typeof startEsdbDouble>[0],
    work: (store: EventStore, double: EsdbDouble) => Promise<void>,
  ) {
    const double = await startEsdbDouble(options);
    const store = await createEsdbEventStore({ connectionString: double.url });
    try {
      await work(store, double);
    } finally {
      await store.close();
      await double.stop();
    }
  }

  it('filters $all reads, counts, head and subscriptions by event type on the server', async () => {
    await withDouble({}, async (store, double) => {
      await store.appendToStream('filtered', [ev('Kept', 1), ev('Other', 2), ev('Kept', 3)]);
      expect((await store.readAll({ maxCount: 10, eventTypes: ['Kept'] })).map((e) => e.data['n'])).toEqual([1, 3]);
      expect(await store.countEvents({ after: 'start', eventTypes: ['Kept'] })).toBe(2);
      expect(await store.headPosition()).not.toBeNull();
      const sub = collect(store.subscribeToAll({ eventTypes: ['Kept'] }), 2);
      await sub.reach(2);
      await sub.stop();
      expect(double.stats.allReads).toEqual({ filtered: expect.any(Number), unfiltered: 0 });
      expect(double.stats.allSubscriptions).toEqual({ filtered: 1, unfiltered: 0 });
    });
  });

  it('appends over Streams/BatchAppend when the server offers it', async () => {
    await withDouble({}, async (store, double) => {
      await store.appendToStream('batch', [ev('A')], { expectedRevision: 'no_stream' });
      expect(double.stats).toMatchObject({ batchAppend: 1, append: 0 });
    });
  });

  it('appends over Streams/Append against a server without GetSupportedMethods (20.x), with the same errors and replays', async () => {
    await withDouble({ batchAppend: false }, async (store, double) => {
      const batch = [ev('A'), ev('B')];
      const first = await store.appendToStream('legacy', batch, { expectedRevision: 'no_stream' });
      expect(await store.appendToStream('legacy', batch, { expectedRevision: 'no_stream' })).toEqual(first);
      const error = await store.appendToStream('legacy', [ev('C')], { expectedRevision: 0n }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersion);
      expect(error).toMatchObject({ stream: 'legacy', expected: 0n, actual: 1n });
      expect(double.stats).toMatchObject({ append: 3, batchAppend: 0 });
    });
  });
});
