import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandExecutor, type CommandMeta } from '../../apps/api/commands/command-executor.js';
import { ConcurrencyExhausted } from '../../apps/api/commands/concurrency-exhausted.js';
import { ConflictError } from '../../libs/domain/shared/errors.js';
import type { EventStore } from '../../libs/event-store/index.js';
import { createEsdbEventStore } from '../../libs/event-store/esdb/esdb-event-store.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { KeyStore, MasterKey } from '../../libs/personal-data/index.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { startEsdbBackend, type EsdbBackend } from '../support/esdb-double/backends.js';

type Backend = 'server' | 'embedded' | 'esdb';

const meta = (): CommandMeta => ({
  actor: { id: 'test', role: 'service' },
  correlationId: randomUUID(),
  commandId: randomUUID(),
});
const symptom = (patientId: string, extra: object = {}) => ({
  patientId,
  symptomId: 'headache',
  severity: 2,
  loggedAt: '2025-05-01T08:00:00Z',
  ...extra,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The store as another process sees it, with a rival writer that appends to the stream right
 * after each read of a decision (as if it always won the race between read and append).
 */
function withRival(store: EventStore, rival: (stream: string, read: number) => Promise<void>): EventStore {
  let reads = 0;
  return {
    ...store,
    readForDecision: async (stream, options) => {
      const read = await store.readForDecision(stream, options);
      await rival(stream, ++reads);
      return read;
    },
  };
}

describe.each<Backend>(['server', 'embedded', 'esdb'])('CommandExecutor against other writers [%s]', (backend) => {
  /** two stores on one log, as two API processes have */
  let stores: [EventStore, EventStore];
  /** the data keys both "processes" share (one key store, as one read database holds it) */
  let keyStore: KeyStore;
  const cleanups: (() => Promise<void>)[] = [];

  /** A key store in a fresh schema of `connection` (embedded: in memory). */
  const openKeyStore = async (connection: DatabaseConnection, schema: string) => {
    keyStore = await KeyStore.open(connection.db, {
      schema,
      masterKey: { key: MasterKey.generate(), origin: 'the test' },
    });
    cleanups.unshift(() => keyStore.close());
  };

  beforeAll(async () => {
    if (backend === 'esdb') {
      const keysDb = await openDatabase({ kind: 'embedded', dataDir: null });
      cleanups.push(() => keysDb.close());
      await openKeyStore(keysDb, uniqueName('keys'));
      const esdb: EsdbBackend = await startEsdbBackend();
      process.stdout.write(`executor concurrency running against: ${esdb.label}\n`);
      const a = await createEsdbEventStore({ connectionString: esdb.connectionString });
      const b = await createEsdbEventStore({ connectionString: esdb.connectionString });
      stores = [a, b];
      cleanups.push(
        () => a.close(),
        () => b.close(),
        () => esdb.stop(),
      );
      return;
    }
    const schema = uniqueName('es_exec');
    const open = (): Promise<DatabaseConnection> =>
      backend === 'server'
        ? openDatabase({ kind: 'server', url: testDatabaseUrl })
        : openDatabase({ kind: 'embedded', dataDir: null });
    const first = await open();
    // PGlite is one in-process database: the second "process" shares it, with its own store (and group commit)
    const second = backend === 'server' ? await open() : first;
    stores = [
      await createPostgresEventStore({ connection: first, schema }),
      await createPostgresEventStore({ connection: second, schema }),
    ];
    await openKeyStore(first, `${schema}_keys`);
    process.stdout.write(
      `executor concurrency running against: ${backend === 'server' ? 'PostgreSQL server, two pools' : 'embedded PGlite, two stores'}\n`,
    );
    cleanups.push(async () => {
      if (second !== first) await second.close();
      await first.close();
      if (backend === 'server') {
        await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await adminQuery(`DROP SCHEMA IF EXISTS "${schema}_keys" CASCADE`);
      }
    });
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  const executorOn = (store: EventStore, retry = {}) =>
    new CommandExecutor({ store, dataKeys: keyStore, isKnownSymptom: () => true, retry });

  it('two processes logging symptoms for one patient at once: every command lands, revisions dense, conflicts retried', async () => {
    const executors = [executorOn(stores[0]), executorOn(stores[1])];
    let retried = 0;
    // Conflicts between the two are likely in every round but not certain: go on until some were retried.
    for (let round = 0; round < 5 && retried === 0; round++) {
      const patientId = `p-${randomUUID().slice(0, 8)}`;
      await executors[0]!.execute('RegisterPatient', { patientId, firstName: 'A', lastName: 'B' }, meta());
      const answers = await Promise.all(
        range(32).map((i) => executors[i % 2]!.execute('LogSymptom', symptom(patientId), meta())),
      );
      const stored = await stores[0].readStream(`tracker-${patientId}`);
      expect(stored.map((e) => e.revision)).toEqual(range(32).map(BigInt));
      expect(answers.map((a) => a.nextExpectedRevision).sort((a, b) => a - b)).toEqual(range(32));
      expect(new Set(answers.map((a) => a.events[0]!.id))).toEqual(new Set(stored.map((e) => e.id)));
      retried = executors.reduce((n, e) => n + e.stats().conflictRetries, 0);
    }
    expect(retried).toBeGreaterThan(0);
  });

  it('a command that loses every race is 409 concurrency_exhausted after its attempts, and appends nothing', async () => {
    const patientId = `p-${randomUUID().slice(0, 8)}`;
    await executorOn(stores[0]).execute('RegisterPatient', { patientId, firstName: 'A', lastName: 'B' }, meta());
    const rival = withRival(stores[0], async (stream) => {
      await stores[1].appendToStream(stream, [
        {
          id: randomUUID(),
          type: 'SymptomLogged',
          data: { ...symptom(patientId), logId: randomUUID(), reporterType: 'self' },
        },
      ]);
    });
    const executor = executorOn(rival, { maxAttempts: 3, baseDelayMs: 1 });
    const error = await executor
      .execute('LogSymptom', symptom(patientId, { logId: 'mine' }), meta())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyExhausted);
    expect(error).toMatchObject({ code: 'concurrency_exhausted', stream: `tracker-${patientId}`, attempts: 3 });
    expect(executor.stats()).toMatchObject({ exhausted: 1, conflictRetries: 2 });
    const stored = await stores[0].readStream(`tracker-${patientId}`);
    expect(stored).toHaveLength(3);
    expect(stored.map((e) => e.data['logId'])).not.toContain('mine');
  });

  it("after a conflict, a rule the new state breaks is that rule's 409, not a retry", async () => {
    const patientId = `p-${randomUUID().slice(0, 8)}`;
    const rival = withRival(stores[0], async (stream, read) => {
      if (read === 1)
        await stores[1].appendToStream(stream, [
          { id: randomUUID(), type: 'PatientRegistered', data: { patientId, firstName: 'Rival', lastName: 'R' } },
        ]);
    });
    const executor = executorOn(rival);
    const error = await executor
      .execute('RegisterPatient', { patientId, firstName: 'Mine', lastName: 'M' }, meta())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'already_exists' });
    expect(executor.stats()).toMatchObject({ conflictRetries: 1, exhausted: 0 });
    expect((await stores[0].readStream(`patient-${patientId}`)).map((e) => e.data['firstName'])).toEqual(['Rival']);
  });

  it('decides on its cached state without reading, and when another process wrote meanwhile, reads and decides again', async () => {
    const patientId = `p-${randomUUID().slice(0, 8)}`;
    const [a, b] = [executorOn(stores[0]), executorOn(stores[1])];
    await a.execute('RegisterPatient', { patientId, firstName: 'A', lastName: 'B' }, meta());
    await a.execute('LogSymptom', symptom(patientId, { logId: 'first' }), meta());
    const skippedBefore = a.stats().readsSkipped;
    await a.execute('LogSymptom', symptom(patientId, { logId: 'second' }), meta());
    expect(a.stats().readsSkipped).toBe(skippedBefore + 1);
    // the other process uses a logId; A's cache does not know it yet
    await b.execute('LogSymptom', symptom(patientId, { logId: 'taken' }), meta());
    const refused = await a
      .execute('LogSymptom', symptom(patientId, { logId: 'taken' }), meta())
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ code: 'already_exists' });
    // and a command it may run lands after the other process's event, at the right revision
    const next = await a.execute('LogSymptom', symptom(patientId, { logId: 'fourth' }), meta());
    expect(next.nextExpectedRevision).toBe(3);
    const stored = await stores[0].readStream(`tracker-${patientId}`);
    expect(stored.map((e) => e.data['logId'])).toEqual(['first', 'second', 'taken', 'fourth']);
  });

  it('refuses only on what the log says: a rule broken on the cached state alone is read again first', async () => {
    const patientId = `p-${randomUUID().slice(0, 8)}`;
    const [a, b] = [executorOn(stores[0]), executorOn(stores[1])];
    await a.execute('RegisterPatient', { patientId, firstName: 'A', lastName: 'B' }, meta());
    const doctorId = `d-${randomUUID().slice(0, 8)}`;
    await a.execute('RegisterDoctor', { doctorId, name: 'Dr D' }, meta());
    await a.execute('AssignDoctor', { patientId, doctorId, assignmentType: 'primary' }, meta());
    // another process ends the assignment; A's cache still shows it active
    await b.execute('EndDoctorAssignment', { patientId, doctorId }, meta());
    // on A's cache this would be 409 already_assigned; the log says it may be assigned again
    const again = await a.execute('AssignDoctor', { patientId, doctorId, assignmentType: 'consultant' }, meta());
    expect(again.nextExpectedRevision).toBe(3);
  });

  it('with If-Match, losing the race is 409 wrong_expected_version at once, without a retry', async () => {
    const patientId = `p-${randomUUID().slice(0, 8)}`;
    const executor0 = executorOn(stores[0]);
    await executor0.execute('RegisterPatient', { patientId, firstName: 'A', lastName: 'B' }, meta());
    const rival = withRival(stores[0], async (stream) => {
      await stores[1].appendToStream(stream, [
        { id: randomUUID(), type: 'PatientProfileUpdated', data: { patientId, lastName: 'Rival' } },
      ]);
    });
    const executor = executorOn(rival);
    const error = await executor
      .execute('UpdatePatientProfile', { patientId, lastName: 'Mine' }, { ...meta(), expectedRevision: 0n })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'wrong_expected_version', expected: 0n, actual: 1n });
    expect(executor.stats().conflictRetries).toBe(0);
  });
});
