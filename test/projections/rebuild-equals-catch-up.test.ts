/**
 * For every projection, a zero-downtime rebuild gives exactly the rows the runner's catch-up
 * gave (per-table row checksums of the rebuilt tables against the swapped-out ones), on the
 * PostgreSQL server and on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import type { EventStore } from '../../libs/event-store/index.js';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import { allPassed, ProjectionAdmin, ProjectionRunner } from '../../libs/projection-engine/index.js';
import { tablesThatDiffer } from '../../libs/projection-engine/rebuild/compare.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { allProjections } from '../../projections/index.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { appendSimulatedHistory } from '../support/simulated-history.js';
import { plaintextOpener } from '../../libs/projection-engine/open-events.js';

const logger = pino({ level: 'silent' });
const configTexts = { triageMap: 'x', stages: 'y' };
type World = { db: Kysely<unknown>; store: EventStore; connection: DatabaseConnection; close(): Promise<void> };

async function serverWorld(): Promise<World> {
  const name = uniqueName('caretrack_rebuildeq');
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

describe.each([
  ['PostgreSQL server', serverWorld, true],
  ['PGlite', embeddedWorld, false],
] as const)('rebuild rows = catch-up rows for every projection [%s]', (_name, makeWorld, concurrent) => {
  let world: World;
  beforeAll(async () => {
    world = await makeWorld();
    await appendSimulatedHistory(world.store, { patients: 25, logsPerPatient: 30, seed: 11, eraseEvery: 4 });
    const runner = new ProjectionRunner({
      opener: plaintextOpener(),
      db: world.db,
      store: world.store,
      projections: allProjections,
      context: defaultProjectionContext(),
      configTexts,
      logger,
      concurrent,
      batchSize: 300,
    });
    await runner.start();
    const head = (await world.store.headPosition())!;
    const deadline = Date.now() + 120_000;
    while (!(await allPassed(world.db, world.store, allProjections, head))) {
      if (Date.now() > deadline) throw new Error('catch-up did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    await runner.stop();
  }, 240_000);
  afterAll(async () => world?.close());

  it('each rebuilt projection swaps in the very rows of the catch-up', async () => {
    const admin = new ProjectionAdmin({
      opener: plaintextOpener(),
      db: world.db,
      store: world.store,
      projections: allProjections,
      context: defaultProjectionContext(),
      fingerprintOf: (name) => `rebuilt-${name}`,
      owner: 'rebuild-equals-catch-up',
      logger,
      batchSize: 400,
    });
    for (const projection of allProjections) {
      await admin.startRebuild(projection.name);
      await admin.settled(projection.name);
      expect({ name: projection.name, state: (await admin.progress(projection.name))?.state }).toEqual({
        name: projection.name,
        state: 'swapped',
      });
      // the catch-up's tables are now the previous ones
      expect({
        name: projection.name,
        differ: await tablesThatDiffer(
          world.db,
          'public',
          `caretrack_previous_${projection.name}`,
          projection.tableNames,
        ),
      }).toEqual({ name: projection.name, differ: [] });
    }
  }, 300_000);
});
