import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseConnection } from '../../read-store/connection.js';
import { livePosition } from '../checkpoints.js';
import { ENGINE_SCHEMA, migrateEngine } from '../engine-schema.js';
import { acquireLeases } from '../leases.js';
import { IdleCheckpoints } from './idle-checkpoints.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** On the server given by TEST_DATABASE_URL, else on an in-memory PGlite. */
describe('IdleCheckpoints.advance: advanced, throttled or lost-lease', () => {
  let connection: DatabaseConnection;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    const url = process.env['TEST_DATABASE_URL'];
    connection = await openDatabase(url ? { kind: 'server', url } : { kind: 'embedded', dataDir: null });
    db = connection.db;
    await migrateEngine(db);
  });
  afterAll(async () => connection.close());

  /** A fresh checkpoint row (nothing applied) and its lease, taken by `owner`. */
  async function projectionHeldBy(owner: string, ttlMs = 60_000): Promise<{ name: string; fence: bigint }> {
    const name = `idle_${randomUUID().slice(0, 8)}`;
    await sql`INSERT INTO ${sql.id(ENGINE_SCHEMA, 'checkpoints')} (name, fingerprint) VALUES (${name}, 'v1-test')`.execute(
      db,
    );
    const fences = await acquireLeases(db, owner, [name], ttlMs);
    return { name, fence: fences.get(name)! };
  }

  it('advanced: the checkpoint moves; throttled: a second write within the interval writes nothing', async () => {
    const { name, fence } = await projectionHeldBy('runner-a');
    const idle = new IdleCheckpoints(db, 60_000);
    expect(await idle.advance(name, fence, null, 10n)).toEqual({ kind: 'advanced' });
    expect(await livePosition(db, name)).toBe(10n);
    expect(await idle.advance(name, fence, 10n, 20n)).toEqual({ kind: 'throttled' });
    expect(await livePosition(db, name)).toBe(10n);
  });

  it('advanced again once the interval has passed', async () => {
    const { name, fence } = await projectionHeldBy('runner-a');
    const idle = new IdleCheckpoints(db, 30);
    expect(await idle.advance(name, fence, null, 10n)).toEqual({ kind: 'advanced' });
    await sleep(60);
    expect(await idle.advance(name, fence, 10n, 20n)).toEqual({ kind: 'advanced' });
    expect(await livePosition(db, name)).toBe(20n);
  });

  it('lost-lease once another runner has taken the projection over; nothing is written', async () => {
    const { name, fence } = await projectionHeldBy('runner-a', 1);
    await sleep(20); // runner-a's lease expires unrenewed
    const taken = await acquireLeases(db, 'runner-b', [name], 60_000);
    expect(taken.get(name)).toBe(fence + 1n);
    const idle = new IdleCheckpoints(db, 0);
    expect(await idle.advance(name, fence, null, 10n)).toEqual({ kind: 'lost-lease' });
    expect(await livePosition(db, name)).toBeNull();
    // the new holder's fence still writes
    expect(await idle.advance(name, fence + 1n, null, 10n)).toEqual({ kind: 'advanced' });
    expect(await livePosition(db, name)).toBe(10n);
  });
});
