import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  StreamNotFound,
  WrongExpectedVersion,
  eventHash,
  isCheckpoint,
  type StoredEvent,
  type SubscriptionCheckpoint,
  parsePosition,
  positionToString,
  type EventStore,
  type EventToAppend,
} from '../../libs/event-store/index.js';
import { collect, deliveryReport } from '../support/collect.js';

/** What an adapter's test file hands the suite. */
export type ConformanceSubject = {
  store: EventStore;
  /** Drops every connection the store holds (server-side); absent where there is none. */
  dropConnections?: () => Promise<void>;
  close(): Promise<void>;
};

export type SubjectOptions = {
  /** awaited inside each append's transaction, where an adapter has one */
  beforeCommit?: () => Promise<void>;
  /** the adapter without its ordering guard (negative control) */
  naive?: boolean;
};

export type ConformanceTarget = {
  /** printed in the test names: which backend ran */
  backend: string;
  create(options?: SubjectOptions): Promise<ConformanceSubject>;
  /** whether `create({ naive: true, beforeCommit })` can interleave commits (a multi-connection store) */
  supportsNaiveControl: boolean;
  /** whether appends run in a transaction that `beforeCommit` can delay */
  supportsDelayedCommits: boolean;
};

const uid = () => randomUUID().slice(0, 8);
const ev = (type: string, n = 0): EventToAppend => ({ id: randomUUID(), type, data: { n }, metadata: { by: 'test' } });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The event store port's contract. Every adapter's test file calls this once. Streams and
 * event types carry a random suffix, so the suite also runs on a log that is not empty.
 */
export function eventStoreConformance(target: ConformanceTarget): void {
  describe(`EventStore conformance [backend: ${target.backend}]`, () => {
    let subject: ConformanceSubject;
    let store: EventStore;
    beforeAll(async () => {
      subject = await target.create();
      store = subject.store;
      process.stdout.write(`event-store conformance running against: ${target.backend}\n`);
    });
    afterAll(async () => subject?.close());

    describe('append and read a stream', () => {
      it('round-trips events with id, type, data, metadata, revision, position and time', async () => {
        const stream = `rt-${uid()}`;
        const events = [ev('Registered', 1), ev('Updated', 2)];
        const result = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1n);
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.id, e.type, e.data, e.metadata, e.streamId, e.revision])).toEqual([
          [events[0]!.id, 'Registered', { n: 1 }, { by: 'test' }, stream, 0n],
          [events[1]!.id, 'Updated', { n: 2 }, { by: 'test' }, stream, 1n],
        ]);
        expect(read[1]!.position).toBe(result.position);
        expect(read[0]!.position).toBeLessThan(read[1]!.position);
        expect(read[0]!.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(read[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      });

      it('keeps nested JSON, unicode and large integers in data exactly', async () => {
        const stream = `json-${uid()}`;
        const data = {
          nested: { list: [1, 'two', null, { deep: true }] },
          text: 'Zoë — 脳震盪',
          big: '18446744073709551617',
        };
        await store.appendToStream(stream, [{ id: randomUUID(), type: 'Json', data }]);
        const [read] = await store.readStream(stream);
        expect(read!.data).toEqual(data);
        expect(read!.metadata).toEqual({});
      });

      it('keeps multi-byte text in stream names, data and metadata of a batch of appends exactly', async () => {
        // on the server the batch's columns go as UTF-8 bytes written line by line (joinLines)
        const tag = uid();
        const appends = ['Zoë', '脳震盪', 'ok 😀', 'plain'].map((name, i) => ({
          stream: `unicode-${tag}-${name}`,
          events: [
            {
              id: randomUUID(),
              type: 'Noted',
              data: { text: `${name} — ünïcödé 😀 ${i}`, empty: '', quote: '"\\' },
              metadata: { by: `Zoë ${i}` },
            },
          ],
        }));
        await store.appendToStreams(appends);
        for (const append of appends) {
          const [read] = await store.readStream(append.stream);
          expect(read!.streamId).toBe(append.stream);
          expect(read!.data).toEqual(append.events[0]!.data);
          expect(read!.metadata).toEqual(append.events[0]!.metadata);
        }
      });

      it('reads backwards from the end and from a revision, and honours maxCount', async () => {
        const stream = `back-${uid()}`;
        await store.appendToStream(
          stream,
          [0, 1, 2, 3, 4].map((n) => ev('Counted', n)),
        );
        const backwards = await store.readStream(stream, { direction: 'backwards' });
        expect(backwards.map((e) => e.revision)).toEqual([4n, 3n, 2n, 1n, 0n]);
        const fromTwo = await store.readStream(stream, { direction: 'backwards', fromRevision: 2n, maxCount: 2 });
        expect(fromTwo.map((e) => e.data['n'])).toEqual([2, 1]);
        const forwards = await store.readStream(stream, { fromRevision: 3n });
        expect(forwards.map((e) => e.revision)).toEqual([3n, 4n]);
      });

      it("chains each event's hash to the previous event of its stream (tamper evidence)", async () => {
        const stream = `hash-${uid()}`;
        await store.appendToStream(stream, [ev('A', 1), ev('B', 2)]);
        await store.appendToStream(stream, [ev('C', 3)]);
        const read = await store.readStream(stream);
        let previous: string | null = null;
        for (const e of read) {
          expect(e.hash).toBe(eventHash(previous, e));
          previous = e.hash!;
        }
        expect(read[0]!.metadata).toEqual({ by: 'test' }); // the hash is not part of the metadata
      });

      it('throws StreamNotFound for a stream with no events', async () => {
        const stream = `missing-${uid()}`;
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamNotFound);
        await expect(store.readStream(stream)).rejects.toMatchObject({ stream });
      });
    });

    describe('expected revision', () => {
      it('no_stream succeeds on a new stream and fails on an existing one', async () => {
        const stream = `ns-${uid()}`;
        await store.appendToStream(stream, [ev('A')], { expectedRevision: 'no_stream' });
        const error = await store.appendToStream(stream, [ev('B')], { expectedRevision: 'no_stream' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 0n });
      });

      it('stream_exists fails on a new stream and succeeds on an existing one', async () => {
        const stream = `se-${uid()}`;
        const error = await store
          .appendToStream(stream, [ev('A')], { expectedRevision: 'stream_exists' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ stream, actual: 'no_stream' });
        await store.appendToStream(stream, [ev('A')]);
        const ok = await store.appendToStream(stream, [ev('B')], { expectedRevision: 'stream_exists' });
        expect(ok.nextExpectedRevision).toBe(1n);
      });

      it('an exact revision succeeds when it matches and reports the actual one when not', async () => {
        const stream = `rev-${uid()}`;
        await store.appendToStream(stream, [ev('A'), ev('B')]);
        const ok = await store.appendToStream(stream, [ev('C')], { expectedRevision: 1n });
        expect(ok.nextExpectedRevision).toBe(2n);
        const error = await store.appendToStream(stream, [ev('D')], { expectedRevision: 1n }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ stream, expected: 1n, actual: 2n });
        const onMissing = await store
          .appendToStream(`rev-missing-${uid()}`, [ev('A')], { expectedRevision: 0n })
          .catch((e) => e);
        expect(onMissing).toMatchObject({ actual: 'no_stream' });
      });

      it('any always appends', async () => {
        const stream = `any-${uid()}`;
        await store.appendToStream(stream, [ev('A')], { expectedRevision: 'any' });
        const second = await store.appendToStream(stream, [ev('B')], { expectedRevision: 'any' });
        expect(second.nextExpectedRevision).toBe(1n);
      });

      it('a failed append writes none of its events', async () => {
        const stream = `atomic-${uid()}`;
        await store.appendToStream(stream, [ev('A')]);
        await expect(
          store.appendToStream(stream, [ev('B'), ev('C')], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersion);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
      });

      it('of two racing appends at the same revision exactly one wins', async () => {
        const stream = `race-${uid()}`;
        await store.appendToStream(stream, [ev('A')]);
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.appendToStream(stream, [ev('B')], { expectedRevision: 0n })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected'))
          expect(r.reason).toBeInstanceOf(WrongExpectedVersion);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('idempotent re-append', () => {
      it('re-sending the same ids at the same revision returns the first result and stores nothing', async () => {
        const stream = `idem-${uid()}`;
        const batch = [ev('A'), ev('B')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const anyAgain = await store.appendToStream(stream, batch, { expectedRevision: 'any' });
        expect(anyAgain).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('re-sending after the stream moved on still returns the first result', async () => {
        const stream = `idem2-${uid()}`;
        const batch = [ev('A')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [ev('B')], { expectedRevision: 0n });
        expect(await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' })).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('appendToStreams', () => {
      it('appends to several streams at once; a conflict fails only its own append', async () => {
        const tag = uid();
        await store.appendToStream(`many-b-${tag}`, [ev('B0')]);
        const outcomes = await store.appendToStreams([
          { stream: `many-a-${tag}`, events: [ev('A0'), ev('A1')], expectedRevision: 'no_stream' },
          { stream: `many-b-${tag}`, events: [ev('B1')], expectedRevision: 5n },
          { stream: `many-c-${tag}`, events: [ev('C0')] },
        ]);
        expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
        const [a, b, c] = outcomes;
        expect(a).toMatchObject({ ok: true, result: { nextExpectedRevision: 1n } });
        expect(!b!.ok && b!.error).toBeInstanceOf(WrongExpectedVersion);
        expect(!b!.ok && b!.error).toMatchObject({ stream: `many-b-${tag}`, expected: 5n, actual: 0n });
        expect((await store.readStream(`many-a-${tag}`)).map((e) => e.type)).toEqual(['A0', 'A1']);
        expect((await store.readStream(`many-b-${tag}`)).map((e) => e.type)).toEqual(['B0']);
        const [cRead] = await store.readStream(`many-c-${tag}`);
        expect(c!.ok && c!.result.position).toBe(cRead!.position);
      });

      it('appends to one stream in order, and after a failed one does not try the later ones of that stream', async () => {
        const tag = uid();
        const chained = await store.appendToStreams([
          { stream: `chain-${tag}`, events: [ev('First')], expectedRevision: 'no_stream' },
          { stream: `chain-${tag}`, events: [ev('Second')], expectedRevision: 0n },
        ]);
        expect(chained.map((o) => o.ok && o.result.nextExpectedRevision)).toEqual([0n, 1n]);
        const broken = await store.appendToStreams([
          { stream: `chain-${tag}`, events: [ev('Stale')], expectedRevision: 0n },
          // would match once 'Stale' failed, but was decided on top of it: must not land
          { stream: `chain-${tag}`, events: [ev('OnTopOfStale')], expectedRevision: 1n },
          { stream: `chain-other-${tag}`, events: [ev('Other')], expectedRevision: 'no_stream' },
        ]);
        expect(broken.map((o) => o.ok)).toEqual([false, false, true]);
        for (const o of broken.slice(0, 2)) expect(!o.ok && o.error).toBeInstanceOf(WrongExpectedVersion);
        expect((await store.readStream(`chain-${tag}`)).map((e) => e.type)).toEqual(['First', 'Second']);
      });

      it('re-sending the same ids returns the first result and stores nothing', async () => {
        const tag = uid();
        const batch = [ev('A'), ev('B')];
        const [first] = await store.appendToStreams([
          { stream: `many-idem-${tag}`, events: batch, expectedRevision: 'no_stream' },
        ]);
        const [again] = await store.appendToStreams([
          { stream: `many-idem-${tag}`, events: batch, expectedRevision: 'no_stream' },
        ]);
        expect(again).toEqual(first);
        expect(await store.readStream(`many-idem-${tag}`)).toHaveLength(2);
      });

      it('rejects a malformed append before writing anything', async () => {
        const tag = uid();
        await expect(
          store.appendToStreams([
            { stream: `bad-ok-${tag}`, events: [ev('Fine')] },
            { stream: `bad-${tag}`, events: [{ id: 'not-a-uuid', type: 'Bad', data: {} }] },
          ]),
        ).rejects.toBeInstanceOf(TypeError);
        await expect(store.readStream(`bad-ok-${tag}`)).rejects.toBeInstanceOf(StreamNotFound);
      });
    });

    describe('readForDecision', () => {
      it('returns the events after a known revision, the current revision and which fact streams exist', async () => {
        const tag = uid();
        await store.appendToStream(`dec-${tag}`, [ev('A', 0), ev('B', 1), ev('C', 2)]);
        await store.appendToStream(`dec-fact-${tag}`, [ev('Fact')]);
        const all = await store.readForDecision(`dec-${tag}`, { factStreams: [`dec-fact-${tag}`, `dec-none-${tag}`] });
        expect(all.events.map((e) => e.data['n'])).toEqual([0, 1, 2]);
        expect(all.revision).toBe(2n);
        expect(all.existingStreams).toEqual([`dec-fact-${tag}`]);
        const after = await store.readForDecision(`dec-${tag}`, { afterRevision: 0n });
        expect(after.events.map((e) => e.revision)).toEqual([1n, 2n]);
        expect(after.revision).toBe(2n);
        expect(after.existingStreams).toEqual([]);
        const none = await store.readForDecision(`dec-${tag}`, { afterRevision: 2n });
        expect(none).toEqual({ events: [], revision: 2n, existingStreams: [] });
      });

      it('reports a stream with no events as revision null, without throwing', async () => {
        const tag = uid();
        const read = await store.readForDecision(`dec-missing-${tag}`, { factStreams: [`dec-missing-fact-${tag}`] });
        expect(read).toEqual({ events: [], revision: null, existingStreams: [] });
      });
    });

    describe('readAll', () => {
      it('reads forwards and backwards by position, filtered by event type', async () => {
        const tag = uid();
        const head = await store.headPosition();
        await store.appendToStream(`all-a-${tag}`, [ev(`Alpha${tag}`, 1), ev(`Beta${tag}`, 2)]);
        await store.appendToStream(`all-b-${tag}`, [ev(`Alpha${tag}`, 3), ev(`Gamma${tag}`, 4)]);
        const from = head ?? 'start';
        const forwards = await store.readAll({ fromPosition: from, maxCount: 100 });
        expect(forwards.filter((e) => e.type.endsWith(tag)).map((e) => e.data['n'])).toEqual([1, 2, 3, 4]);
        const positions = forwards.map((e) => e.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

        const alphas = await store.readAll({ fromPosition: from, maxCount: 100, eventTypes: [`Alpha${tag}`] });
        expect(alphas.map((e) => e.data['n'])).toEqual([1, 3]);
        const two = await store.readAll({
          fromPosition: from,
          maxCount: 100,
          eventTypes: [`Beta${tag}`, `Gamma${tag}`],
        });
        expect(two.map((e) => e.type)).toEqual([`Beta${tag}`, `Gamma${tag}`]);

        const backwards = await store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 4 });
        expect(backwards.map((e) => e.data['n'])).toEqual([4, 3, 2, 1]);
        const beforeLast = await store.readAll({
          direction: 'backwards',
          fromPosition: backwards[0]!.position,
          maxCount: 1,
        });
        expect(beforeLast[0]!.data['n']).toBe(3);
        const afterFirst = await store.readAll({ fromPosition: alphas[0]!.position, maxCount: 1 });
        expect(afterFirst[0]!.data['n']).toBe(2);
      });

      it('counts events after a position, by type, up to a limit', async () => {
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        await store.appendToStream(`count-${tag}`, [ev(`CountA${tag}`), ev(`CountB${tag}`), ev(`CountA${tag}`)]);
        expect(await store.countEvents({ after: head })).toBe(3);
        expect(await store.countEvents({ after: head, eventTypes: [`CountA${tag}`] })).toBe(2);
        expect(await store.countEvents({ after: head, limit: 2 })).toBe(2);
        const [first] = await store.readStream(`count-${tag}`);
        expect(await store.countEvents({ after: first!.position, eventTypes: [`CountA${tag}`] })).toBe(1);
      });

      it('positions serialise to decimal strings and parse back to the same order', async () => {
        const stream = `pos-${uid()}`;
        const { position } = await store.appendToStream(stream, [ev('A'), ev('B')]);
        const text = positionToString(position);
        expect(text).toMatch(/^[0-9]+$/);
        expect(parsePosition(text)).toBe(position);
        const [first] = await store.readStream(stream);
        expect(parsePosition(positionToString(first!.position)) < parsePosition(text)).toBe(true);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(position);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up on past events, then delivers live appends in order', async () => {
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        await store.appendToStream(`sub-${tag}`, [ev(`Past${tag}`, 1), ev(`Past${tag}`, 2)]);
        const sub = collect(store.subscribeToAll({ fromPosition: head }));
        await sub.reach(2);
        await store.appendToStream(`sub-${tag}`, [ev(`Live${tag}`, 3)]);
        await store.appendToStream(`sub-other-${tag}`, [ev(`Live${tag}`, 4)]);
        await sub.reach(4);
        await sub.stop();
        expect(sub.events.filter((e) => e.type.endsWith(tag)).map((e) => e.data['n'])).toEqual([1, 2, 3, 4]);
      });

      it('filters by event type on the store', async () => {
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        const sub = collect(store.subscribeToAll({ fromPosition: head, eventTypes: [`Wanted${tag}`] }));
        for (let i = 0; i < 5; i++)
          await store.appendToStream(`filt-${tag}`, [ev(`Noise${tag}`, i), ev(`Wanted${tag}`, i)]);
        await sub.reach(5);
        await sub.settled(200);
        await sub.stop();
        expect(sub.events.map((e) => [e.type, e.data['n']])).toEqual([0, 1, 2, 3, 4].map((n) => [`Wanted${tag}`, n]));
      });

      it('with checkpoints, a filtered subscription says how far it has read past events it does not want', async () => {
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        const wanted = await store.appendToStream(`cp-${tag}`, [ev(`CpWanted${tag}`)]);
        for (let i = 0; i < 6; i++)
          await store.appendToStream(
            `cp-noise-${tag}`,
            Array.from({ length: 250 }, () => ev(`CpNoise${tag}`)),
          );
        const subscription = store.subscribeToAllWithCheckpoints({
          fromPosition: head,
          eventTypes: [`CpWanted${tag}`],
        });
        const items: (StoredEvent | SubscriptionCheckpoint)[] = [];
        const deadline = Date.now() + 15_000;
        for await (const item of subscription) {
          items.push(item);
          if (isCheckpoint(item) && item.checkpoint > wanted.position) break;
          if (Date.now() > deadline) break;
        }
        await subscription.close();
        const events = items.filter((i): i is StoredEvent => !isCheckpoint(i));
        const checkpoints = items.filter(isCheckpoint).map((c) => c.checkpoint);
        expect(events.map((e) => e.type)).toEqual([`CpWanted${tag}`]);
        expect(checkpoints.length).toBeGreaterThan(0);
        expect(checkpoints[checkpoints.length - 1]!).toBeGreaterThan(wanted.position);
        expect([...checkpoints].sort((a, b) => (a < b ? -1 : 1))).toEqual(checkpoints);
        expect(items.indexOf(events[0]!)).toBeLessThan(
          items.findIndex((i) => isCheckpoint(i) && i.checkpoint > wanted.position),
        );
      });

      it('a new subscription from the last delivered position resumes without repeats or gaps', async () => {
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        await store.appendToStream(
          `resume-${tag}`,
          [1, 2, 3].map((n) => ev(`R${tag}`, n)),
        );
        const first = collect(store.subscribeToAll({ fromPosition: head, eventTypes: [`R${tag}`] }), 2);
        await first.reach(2);
        await first.stop();
        await store.appendToStream(`resume-${tag}`, [ev(`R${tag}`, 4)]);
        const second = collect(
          store.subscribeToAll({ fromPosition: first.events[1]!.position, eventTypes: [`R${tag}`] }),
        );
        await second.reach(2);
        await second.settled(200);
        await second.stop();
        expect([...first.events, ...second.events].map((e) => e.data['n'])).toEqual([1, 2, 3, 4]);
      });

      it('delivers a backlog larger than any page, in order, to a consumer that reads slowly', async () => {
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        for (let i = 0; i < 4; i++)
          await store.appendToStream(
            `bp-${tag}`,
            Array.from({ length: 400 }, (_, n) => ev(`Bp${tag}`, i * 400 + n)),
          );
        const subscription = store.subscribeToAll({ fromPosition: head, eventTypes: [`Bp${tag}`] });
        const iterator = subscription[Symbol.asyncIterator]();
        const seen: unknown[] = [];
        for (let i = 0; i < 1600; i++) {
          const next = await iterator.next();
          if (next.done) break;
          seen.push(next.value.data['n']);
          if (i % 500 === 0) await sleep(100);
        }
        await subscription.close();
        expect(seen).toEqual(Array.from({ length: 1600 }, (_, n) => n));
      });
    });

    describe('a dropped connection', () => {
      it('the subscription resumes after the last event it delivered, nothing lost or repeated', async () => {
        if (!subject.dropConnections) {
          process.stdout.write(`[${target.backend}] has no connection to drop; resume is covered by the test above\n`);
          // Only an in-process database, or an ESDB cluster (its discovery bypasses any proxy), may skip this.
          expect(target.backend).toMatch(/embedded|PGlite|EventStoreDB cluster/i);
          return;
        }
        const tag = uid();
        const head = (await store.headPosition()) ?? 'start';
        const sub = collect(store.subscribeToAll({ fromPosition: head, eventTypes: [`Drop${tag}`] }));
        await store.appendToStream(`drop-${tag}`, [ev(`Drop${tag}`, 1), ev(`Drop${tag}`, 2)]);
        await sub.reach(2);
        await subject.dropConnections();
        await appendWithRetry(store, `drop-${tag}`, [ev(`Drop${tag}`, 3)]);
        await appendWithRetry(store, `drop-${tag}`, [ev(`Drop${tag}`, 4)]);
        await sub.reach(4, 20_000);
        await sub.settled(300);
        await sub.stop();
        expect(sub.events.map((e) => e.data['n'])).toEqual([1, 2, 3, 4]);
      });
    });

    describe('concurrent writers', () => {
      const writers = 8;
      const total = 5000;

      async function concurrentRun(options: SubjectOptions) {
        const run = await target.create(options);
        try {
          const tag = uid();
          const head = (await run.store.headPosition()) ?? 'start';
          const sub = collect(run.store.subscribeToAll({ fromPosition: head, eventTypes: [`Conc${tag}`] }));
          const ids: string[] = [];
          await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              let written = 0;
              const quota = total / writers;
              while (written < quota) {
                const size = Math.min(quota - written, 1 + Math.floor(Math.random() * 4));
                const batch = Array.from({ length: size }, () => ev(`Conc${tag}`, w));
                ids.push(...batch.map((e) => e.id!));
                await run.store.appendToStream(`conc-${tag}-${w}`, batch);
                written += size;
              }
            }),
          );
          await Promise.race([sub.reach(total, 60_000), sub.settled(1500)]).catch(() => undefined);
          await sub.settled(500);
          await sub.stop();
          return deliveryReport(ids, sub.events);
        } finally {
          await run.close();
        }
      }

      const randomDelay = () => sleep(Math.random() < 0.5 ? 0 : Math.random() * 3);

      it(`${writers} writers, ${total} events, random delays inside their transactions: the subscriber sees each exactly once, in order`, async () => {
        const report = await concurrentRun({ beforeCommit: target.supportsDelayedCommits ? randomDelay : undefined });
        expect(report).toEqual({ missing: 0, duplicated: 0, outOfOrder: 0 });
      }, 240_000);

      it('negative control: the same check catches the skipped events of a naive reader/writer (no ordering guard)', async () => {
        if (!target.supportsNaiveControl) {
          process.stdout.write(
            `[${target.backend}] commits one transaction at a time; the negative control runs on the server\n`,
          );
          expect(target.backend).not.toMatch(/server/i);
          return;
        }
        const report = await concurrentRun({ naive: true, beforeCommit: randomDelay });
        expect(report.missing).toBeGreaterThan(0);
      }, 240_000);
    });
  });
}

async function appendWithRetry(store: EventStore, stream: string, events: EventToAppend[]) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.appendToStream(stream, events);
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(100);
    }
  }
}
