import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { createEsdbEventStore } from '../../libs/event-store/esdb/esdb-event-store.js';
import { startEsdbBackend } from '../support/esdb-double/backends.js';
import type { EventStore } from '../../libs/event-store/index.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import {
  projectionStatuses,
  ProjectionRunner,
  waitForPosition,
  type Projection,
} from '../../libs/projection-engine/index.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { countingProjection } from '../support/counting-projection.js';
import { plaintextOpener } from '../../libs/projection-engine/open-events.js';

const logger = pino({ level: process.env['ENGINE_TEST_LOG'] ?? 'silent' });
const configTexts = { triageMap: 'x', stages: 'y' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type World = { db: Kysely<unknown>; store: EventStore; connection: DatabaseConnection; close(): Promise<void> };

async function serverWorld(): Promise<World> {
  const name = uniqueName('caretrack_engine');
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const connection = await openDatabase({ kind: 'server', url: url.toString() });
  const store = await createPostgresEventStore({ connection });
  return {
    db: connection.db,
    store,
    connection,
    close: async () => {
      await connection.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function embeddedWorld(): Promise<World> {
  const connection = await openDatabase({ kind: 'embedded', dataDir: null });
  const store = await createPostgresEventStore({ connection });
  return { db: connection.db, store, connection, close: () => connection.close() };
}

function runner(
  world: World,
  projections: Projection[],
  extra: Partial<ConstructorParameters<typeof ProjectionRunner>[0]> = {},
) {
  return new ProjectionRunner({
    opener: plaintextOpener(),
    db: world.db,
    store: world.store,
    projections,
    context: defaultProjectionContext(),
    configTexts,
    logger,
    leaseTtlMs: 1500,
    leaseRenewMs: 300,
    batchSize: 200,
    ...extra,
  });
}

async function appendMany(store: EventStore, streams: number, perStream: number, type: string) {
  let last = 0n;
  for (let s = 0; s < streams; s++) {
    const result = await store.appendToStream(
      `s-${s}`,
      Array.from({ length: perStream }, (_, i) => ({ id: randomUUID(), type, data: { i } })),
    );
    last = result.position;
  }
  return last;
}

async function count(db: Kysely<unknown>, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows[0]!.n);
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(50);
  }
}

describe.each([
  ['embedded', embeddedWorld],
  ['server', serverWorld],
] as const)('projection engine [%s]', (_kind, makeWorld) => {
  let world: World;
  beforeAll(async () => {
    world = await makeWorld();
  });
  afterAll(async () => world?.close());

  it('applies every handled event once, with its checkpoint, and a restart resumes where it stopped', async () => {
    const p = countingProjection('resume', ['Counted']);
    await appendMany(world.store, 5, 100, 'Counted');
    await world.store.appendToStream('other', [{ type: 'Ignored', data: {} }]);
    const first = runner(world, [p]);
    await first.start();
    const head = (await world.store.headPosition())!;
    expect(await waitForPosition(world.db, world.store, [p], head, 20_000)).toBe(true);
    await first.stop();
    expect(await count(world.db, 'resume_applied')).toBe(500);

    const last = await appendMany(world.store, 2, 50, 'Counted');
    const second = runner(world, [p]);
    await second.start();
    expect(await waitForPosition(world.db, world.store, [p], last, 20_000)).toBe(true);
    await second.stop();
    expect(await count(world.db, 'resume_applied')).toBe(600);
    const { rows } = await sql<{ n: number }>`SELECT n FROM resume_counts WHERE stream_id = 's-0'`.execute(world.db);
    expect(rows[0]!.n).toBe(150);
  });

  it('a throwing event faults only its projection, records the event, and a restart retries it', async () => {
    const poison = { poison: true };
    const fragile = countingProjection('fragile', ['Risky'], poison);
    const sturdy = countingProjection('sturdy', ['Risky']);
    await world.store.appendToStream('risky', [
      { type: 'Risky', data: { n: 1 } },
      { type: 'Risky', data: { n: 2 } },
    ]);
    const bad = await world.store.appendToStream('risky', [{ type: 'Risky', data: { poison: true } }]);
    const [badEvent] = await world.store.readAll({ fromPosition: bad.position - 1n, maxCount: 1 });
    const after = await world.store.appendToStream('risky', [{ type: 'Risky', data: { n: 4 } }]);

    const first = runner(world, [fragile, sturdy]);
    await first.start();
    expect(await waitForPosition(world.db, world.store, [sturdy], after.position, 20_000)).toBe(true);
    await until(
      async () =>
        (await projectionStatuses(world.db, world.store, [fragile], () => first.fingerprint('fragile')))[0]!.status ===
        'faulted',
    );
    const [status] = await projectionStatuses(world.db, world.store, [fragile], () => first.fingerprint('fragile'));
    expect(status).toMatchObject({
      status: 'faulted',
      lag: 2,
      lastError: { eventId: badEvent!.id, message: 'Error: poisoned event' },
    });
    expect(await count(world.db, 'fragile_applied')).toBe(2); // the events before the poisoned one committed
    expect(await count(world.db, 'sturdy_applied')).toBe(4);
    await first.stop();

    poison.poison = false; // the fix ships; the restart retries
    const second = runner(world, [fragile, sturdy]);
    await second.start();
    expect(await waitForPosition(world.db, world.store, [fragile], after.position, 20_000)).toBe(true);
    const [retried] = await projectionStatuses(world.db, world.store, [fragile], () => second.fingerprint('fragile'));
    expect(retried!.status).toBe('running');
    await second.stop();
    expect(await count(world.db, 'fragile_applied')).toBe(4);
  });
});

/** Events in EventStoreDB (real, container or the gRPC double), checkpoints and rows on the server. */
async function esdbWorld(): Promise<World> {
  const base = await serverWorld();
  const esdb = await startEsdbBackend();
  process.stdout.write(`engine checkpoint test events in: ${esdb.label}\n`);
  const store = await createEsdbEventStore({ connectionString: esdb.connectionString });
  return {
    ...base,
    store,
    close: async () => {
      await store.close();
      await esdb.stop();
      await base.close();
    },
  };
}

describe.each([
  ['PostgreSQL server', serverWorld],
  ['EventStoreDB', esdbWorld],
] as const)('checkpoints past events a projection does not handle [%s]', (_name, makeWorld) => {
  let world: World;
  beforeAll(async () => {
    world = await makeWorld();
  });
  afterAll(async () => world?.close());

  it("a sparse projection's checkpoint moves past a long run of other events, so a restart does not rescan them", async () => {
    const sparse = countingProjection('sparse', ['Rare']);
    const rare = await world.store.appendToStream('rare', [{ type: 'Rare', data: {} }]);
    await appendMany(world.store, 10, 300, 'Common');
    // Well past the rare event (EventStoreDB reports checkpoints per scanned window, not at every event).
    const last = (
      await world.store.readAll({ fromPosition: rare.position, maxCount: 2000, eventTypes: ['Common'] })
    ).at(-1)!.position;
    const r = runner(world, [sparse], { idleCheckpointMs: 0 });
    await r.start();
    await until(async () => {
      const { rows } = await sql<{
        position: string | null;
      }>`SELECT position::text AS position FROM caretrack_projections.checkpoints WHERE name = 'sparse'`.execute(
        world.db,
      );
      return rows[0]?.position != null && BigInt(rows[0].position) >= last;
    });
    await r.stop();
    expect(await count(world.db, 'sparse_applied')).toBe(1);
  });
});

describe('two runners on one PostgreSQL server', () => {
  let world: World;
  beforeAll(async () => {
    world = await serverWorld();
  });
  afterAll(async () => world?.close());

  it('only one writes a projection; when it dies the other takes over within seconds, nothing applied twice', async () => {
    const p = countingProjection('shared', ['Shared']);
    await appendMany(world.store, 4, 250, 'Shared');
    const a = runner(world, [p], { owner: 'runner-a' });
    await a.start();
    const b = runner(world, [p], { owner: 'runner-b' });
    await b.start();
    expect(a.heldProjections()).toEqual(['shared']);
    expect(b.heldProjections()).toEqual([]);

    await a.halt(); // dies without giving the lease back
    const diedAt = Date.now();
    const tail = await appendMany(world.store, 2, 100, 'Shared');
    await until(async () => b.heldProjections().includes('shared'), 10_000);
    const tookOverMs = Date.now() - diedAt;
    expect(await waitForPosition(world.db, world.store, [p], tail, 20_000)).toBe(true);
    await b.stop();
    expect(tookOverMs).toBeLessThan(5000);
    expect(await count(world.db, 'shared_applied')).toBe(1200); // PK on event id: a double apply would have failed
  });

  it('a runner that lost its turn cannot write (fencing)', async () => {
    const p = countingProjection('fenced', ['Fenced']);
    await appendMany(world.store, 1, 10, 'Fenced');
    const a = runner(world, [p], { owner: 'fence-a', leaseRenewMs: 60_000, leaseTtlMs: 60_000 });
    await a.start();
    await until(async () => (await count(world.db, 'fenced_applied')) === 10);
    // A's lease is taken from under it (as if it had stalled past its TTL) while it still runs.
    await sql`UPDATE caretrack_projections.leases SET expires_at = now() - interval '1 second' WHERE name = 'fenced'`.execute(
      world.db,
    );
    const b = runner(world, [p], { owner: 'fence-b' });
    await b.start();
    expect(b.heldProjections()).toEqual(['fenced']);
    await b.halt(); // B stops reading; A still believes it holds the lease
    const tail = await appendMany(world.store, 1, 5, 'Fenced');
    await sleep(1500);
    const { rows } = await sql<{
      position: string;
    }>`SELECT position::text FROM caretrack_projections.checkpoints WHERE name = 'fenced'`.execute(world.db);
    expect(BigInt(rows[0]!.position)).toBeLessThan(tail); // A's writes were refused
    expect(await count(world.db, 'fenced_applied')).toBe(10);
    expect(a.heldProjections()).toEqual([]);
    await a.halt();
  });

  it('a live batch of several projections: one that lost its turn is refused, the others still commit', async () => {
    const lost = countingProjection('lost_live', ['LiveShared']);
    const kept = countingProjection('kept_live', ['LiveShared']);
    await appendMany(world.store, 1, 10, 'LiveShared');
    const a = runner(world, [lost, kept], { owner: 'live-a', leaseRenewMs: 60_000, leaseTtlMs: 60_000 });
    await a.start();
    await until(
      async () =>
        (await count(world.db, 'lost_live_applied')) === 10 && (await count(world.db, 'kept_live_applied')) === 10,
    );
    await sql`UPDATE caretrack_projections.leases SET expires_at = now() - interval '1 second' WHERE name = 'lost_live'`.execute(
      world.db,
    );
    const b = runner(world, [lost], { owner: 'live-b' });
    await b.start();
    expect(b.heldProjections()).toEqual(['lost_live']);
    await b.halt();
    // live batches of both projections: A tries them together, is refused, then applies them one by one
    const tail = await appendMany(world.store, 1, 5, 'LiveShared');
    await until(async () => (await count(world.db, 'kept_live_applied')) === 15);
    const { rows } = await sql<{
      name: string;
      position: string;
    }>`SELECT name, position::text FROM caretrack_projections.checkpoints
      WHERE name IN ('lost_live', 'kept_live') ORDER BY name`.execute(world.db);
    expect(rows.map((r) => [r.name, BigInt(r.position) >= tail])).toEqual([
      ['kept_live', true],
      ['lost_live', false],
    ]);
    expect(await count(world.db, 'lost_live_applied')).toBe(10);
    expect(a.heldProjections()).toEqual(['kept_live']);
    expect(a.stats()['kept_live']!.events).toBe(15);
    await a.halt();
  });
});
