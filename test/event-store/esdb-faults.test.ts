import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { createEsdbEventStore } from '../../libs/event-store/esdb/esdb-event-store.js';
import {
  AppendTooLarge,
  StreamDeleted,
  type EventStore,
  type StoredEvent,
  type SubscriptionCheckpoint,
} from '../../libs/event-store/index.js';
import { ProjectionRunner, waitForPosition } from '../../libs/projection-engine/index.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS } from '../support/commands.js';
import { countingProjection } from '../support/counting-projection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { startEsdbDouble, type EsdbDouble } from '../support/esdb-double/index.js';
import { expectProblem } from '../support/problems.js';
import { plaintextOpener } from '../../libs/projection-engine/open-events.js';

const U64_MAX = (1n << 64n) - 1n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function appendCounted(store: EventStore, streams: number, perStream: number): Promise<bigint> {
  let last = 0n;
  for (let s = 0; s < streams; s++) {
    const result = await store.appendToStream(
      `c-${randomUUID().slice(0, 8)}`,
      Array.from({ length: perStream }, (_, i) => ({ type: 'Counted', data: { i } })),
    );
    last = result.position;
  }
  return last;
}

/**
 * EventStoreDB behaviour the port must survive, through the gRPC test double's switches (a real
 * node shows KDB-744 only on the affected versions, and deleting streams is an operator's act).
 */
describe('EventStoreDB adapter: KDB-744 checkpoints [gRPC test double with kdb744: true]', () => {
  let esdb: EsdbDouble;
  let store: EventStore;
  let connection: DatabaseConnection;
  let db: Kysely<unknown>;
  let dbName: string;

  beforeAll(async () => {
    esdb = await startEsdbDouble({ kdb744: true, statsIntervalMs: null });
    store = await createEsdbEventStore({ connectionString: esdb.url });
    dbName = uniqueName('caretrack_kdb744');
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${dbName}`;
    connection = await openDatabase({ kind: 'server', url: url.toString() });
    db = connection.db;
  });
  afterAll(async () => {
    await store?.close();
    await esdb?.stop();
    await connection?.close();
    if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('defect 9: the subscription never yields the checkpoint (2^64−1, 2^64−1) the server ends its catch-up with', async () => {
    await appendCounted(store, 3, 10);
    const seen: (StoredEvent | SubscriptionCheckpoint)[] = [];
    const subscription = store.subscribeToAllWithCheckpoints({ eventTypes: ['Counted'] });
    const reading = (async () => {
      for await (const item of subscription) seen.push(item);
    })();
    await sleep(1500); // caught up: the double has sent its impossible checkpoint by now
    await subscription.close();
    await reading;
    const checkpoints = seen
      .filter((item): item is SubscriptionCheckpoint => 'checkpoint' in item)
      .map((c) => c.checkpoint);
    const head = (await store.headPosition())!;
    expect(seen.filter((item) => !('checkpoint' in item)).length).toBeGreaterThanOrEqual(30);
    expect(checkpoints.filter((c) => c > head || c >> 64n === U64_MAX)).toEqual([]);
  });

  it('defect 9: a projection caught up through that checkpoint still applies every later event', async () => {
    const projection = countingProjection('kdb744', ['Counted']);
    const runner = new ProjectionRunner({
      opener: plaintextOpener(),
      db,
      store,
      projections: [projection],
      context: defaultProjectionContext(),
      configTexts: { triageMap: 'x', stages: 'y' },
      logger: pino({ level: 'silent' }),
      leaseTtlMs: 2000,
      leaseRenewMs: 300,
      idleCheckpointMs: 0, // write every checkpoint the store reports
    });
    await runner.start();
    try {
      const before = await appendCounted(store, 2, 25);
      expect(await waitForPosition(db, store, [projection], before, 20_000)).toBe(true);
      await sleep(1000); // the catch-up ended with the impossible checkpoint meanwhile
      const { rows } = await sql<{
        position: string;
      }>`SELECT position::text AS position FROM caretrack_projections.checkpoints WHERE name = 'kdb744'`.execute(db);
      expect(BigInt(rows[0]!.position)).toBeLessThanOrEqual((await store.headPosition())!);
      const later = await appendCounted(store, 2, 10);
      expect(await waitForPosition(db, store, [projection], later, 20_000)).toBe(true);
      const { rows: counted } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM kdb744_applied`.execute(db);
      expect(Number(counted[0]!.n)).toBe(30 + 50 + 20); // the first test's 30, then 50, then 20
    } finally {
      await runner.stop();
    }
  }, 60_000);
});

describe.each([
  ['BatchAppend', true],
  ['Append', false],
] as const)(
  'EventStoreDB adapter: deleted streams and the maximum append size [gRPC test double, %s]',
  (_rpc, batchAppend) => {
    let esdb: EsdbDouble;
    let store: EventStore;
    let client: EventStoreDBClient;
    beforeAll(async () => {
      esdb = await startEsdbDouble({ batchAppend, maxAppendSize: 4096, statsIntervalMs: null });
      store = await createEsdbEventStore({ connectionString: esdb.url });
      client = EventStoreDBClient.connectionString(esdb.url);
    });
    afterAll(async () => {
      await client?.dispose();
      await store?.close();
      await esdb?.stop();
    });

    it('defect 10: a tombstoned stream is StreamDeleted on append and on read', async () => {
      await store.appendToStream('patient-gone', [{ type: 'PatientRegistered', data: { patientId: 'gone' } }]);
      await client.tombstoneStream('patient-gone');
      const append = store.appendToStream('patient-gone', [{ type: 'PatientProfileUpdated', data: {} }]);
      await expect(append).rejects.toBeInstanceOf(StreamDeleted);
      await expect(append).rejects.toMatchObject({ stream: 'patient-gone', how: 'tombstoned', code: 'stream_deleted' });
      await expect(store.readStream('patient-gone')).rejects.toBeInstanceOf(StreamDeleted);
    });

    it('defect 10: an append over the server’s maximum append size is AppendTooLarge, nothing written', async () => {
      const append = store.appendToStream('patient-big', [
        { type: 'PatientRegistered', data: { notes: 'x'.repeat(5000) } },
      ]);
      await expect(append).rejects.toBeInstanceOf(AppendTooLarge);
      await expect(append).rejects.toMatchObject({ stream: 'patient-big', maxBytes: 4096, code: 'append_too_large' });
      await expect(store.readStream('patient-big')).rejects.toMatchObject({ code: 'stream_not_found' });
    });

    it('defect 10: a soft-deleted stream takes no more events, so its hash chain never restarts at null while revisions go on', async () => {
      await store.appendToStream('patient-soft', [
        { type: 'PatientRegistered', data: { patientId: 'soft' } },
        { type: 'PatientProfileUpdated', data: { patientId: 'soft', teamId: 't1' } },
      ]);
      await client.deleteStream('patient-soft');
      await expect(store.readStream('patient-soft')).rejects.toMatchObject({ code: 'stream_not_found' });
      for (const expectedRevision of ['any', 'no_stream'] as const) {
        const append = store.appendToStream(
          'patient-soft',
          [{ type: 'PatientRegistered', data: { patientId: 'soft' } }],
          { expectedRevision },
        );
        await expect(append).rejects.toBeInstanceOf(StreamDeleted);
        await expect(append).rejects.toMatchObject({ how: 'soft_deleted' });
      }
      // Nothing was written: the double's stream still holds exactly the two first events.
      const written: { revision: bigint; hash: unknown }[] = [];
      for await (const resolved of client.readAll({ maxCount: 10_000 })) {
        if (resolved.event?.streamId === 'patient-soft')
          written.push({
            revision: resolved.event.revision,
            hash: (resolved.event.metadata as Record<string, unknown>)['$hash'],
          });
      }
      expect(written.map((w) => w.revision)).toEqual([0n, 1n]);
    });

    it('a stream that never existed is still written from revision 0 with a chain starting at null', async () => {
      const result = await store.appendToStream(
        'patient-new',
        [{ type: 'PatientRegistered', data: { patientId: 'new' } }],
        { expectedRevision: 'no_stream' },
      );
      expect(result.nextExpectedRevision).toBe(0n);
      const [event] = await store.readStream('patient-new');
      expect(event!.hash).toMatch(/^[0-9a-f]{64}$/);
    });
  },
);

describe('EventStoreDB faults over HTTP [gRPC test double, PostgreSQL server]', () => {
  let esdb: EsdbDouble;
  let app: TestApp;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    esdb = await startEsdbDouble({ maxAppendSize: 2048, statsIntervalMs: null });
    client = EventStoreDBClient.connectionString(esdb.url);
    app = await startTestApp('esdb', { ...apiKeysEnv, EVENTSTORE_URL: esdb.url });
  });
  afterAll(async () => {
    await app?.close();
    await client?.dispose();
    await esdb?.stop();
  });

  it('defect 10: a command on a deleted stream is 410 stream_deleted, an oversized one 413; no stack trace, nothing appended', async () => {
    const commands = commandClient(app);
    await commands.ok('RegisterPatient', { patientId: 'hard', firstName: 'A', lastName: 'B' });
    await commands.ok('RegisterPatient', { patientId: 'soft', firstName: 'A', lastName: 'B' });
    await client.appendToStream('unrelated', jsonEvent({ type: 'Noise', data: {} }));
    await client.tombstoneStream('patient-hard');
    await client.deleteStream('patient-soft');
    expectProblem(
      await commands.send('UpdatePatientProfile', { patientId: 'hard', teamId: 't1' }),
      410,
      'stream_deleted',
    );
    expectProblem(
      await commands.send('RegisterPatient', { patientId: 'soft', firstName: 'A', lastName: 'B' }),
      410,
      'stream_deleted',
    );
    await commands.ok('RegisterPatient', { patientId: 'big', firstName: 'A', lastName: 'B' });
    const huge = await commands.send('StartSession', {
      sessionId: 'sx',
      playerId: 'big',
      sessionType: 'training',
      startTime: '2025-04-01T10:00:00Z',
      description: 'd'.repeat(5000),
    });
    expectProblem(huge, 413, 'append_too_large');
    const readSession = async () => {
      for await (const _ of client.readStream('session-sx')) return 'found';
      return 'empty';
    };
    await expect(readSession()).rejects.toMatchObject({ type: 'stream-not-found' });
    const auditor = { authorization: `Bearer ${TEST_KEYS.auditor}` };
    const read = await app.app.inject({ method: 'GET', url: '/audit/streams/patient-hard', headers: auditor });
    expect(read.statusCode).toBe(410);
    expect(read.json()).toMatchObject({ status: 410, code: 'stream_deleted' });
  });
});
