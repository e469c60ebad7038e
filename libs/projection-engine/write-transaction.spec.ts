import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseConnection } from '../read-store/connection.js';
import { advanceCheckpointsStatement, asLostTurn, livePosition } from './checkpoints.js';
import { ENGINE_SCHEMA, migrateEngine } from './engine-schema.js';
import { LostTurn } from './errors.js';
import { commitAsync } from './write-transaction.js';

/** Texts a literal could get wrong: quotes, backslashes, the dollar-quote tag inside and at the end, `$n`. */
const awkward = [
  '',
  "it's",
  'back\\slash \\n',
  '$w$',
  'ends in $w',
  'ends in $',
  '$w0$ and $w$ and $w1$',
  '$$ $1 $2 $10',
  'line\nbreak\ttab',
  'ünïcödé ✓ 𝄞',
  '{"a",NULL}',
];

// The server sends the transaction as one script (parameters inlined); PGlite one statement per query.
const kinds = process.env['TEST_DATABASE_URL'] ? (['server', 'embedded'] as const) : (['embedded'] as const);

describe.each(kinds)('commitAsync on %s: one transaction, all or nothing', (kind) => {
  let connection: DatabaseConnection;
  let db: Kysely<unknown>;
  const table = sql.id(`write_tx_${randomUUID().slice(0, 8)}`);

  beforeAll(async () => {
    connection = await openDatabase(
      kind === 'server'
        ? { kind: 'server', url: process.env['TEST_DATABASE_URL']! }
        : { kind: 'embedded', dataDir: null },
    );
    db = connection.db;
    await migrateEngine(db);
    await sql`CREATE TABLE ${table} (id integer PRIMARY KEY, body text, amount numeric)`.execute(db);
  });
  afterAll(async () => {
    await sql`DROP TABLE IF EXISTS ${table}`.execute(db);
    await connection.close();
  });

  it('writes every parameter exactly as given, whatever the text holds', async () => {
    await commitAsync(
      db,
      awkward.map((text, i) => sql`INSERT INTO ${table} (id, body, amount) VALUES (${i}, ${text}, ${i + 0.5})`),
    );
    const { rows } = await sql<{ id: number; body: string; amount: string }>`SELECT id, body, amount::text AS amount
      FROM ${table} ORDER BY id`.execute(db);
    expect(rows.map((r) => r.body)).toEqual(awkward);
    expect(rows.map((r) => Number(r.amount))).toEqual(awkward.map((_, i) => i + 0.5));
  });

  it('a failing statement writes nothing of the transaction, and the handle works afterwards', async () => {
    await expect(
      commitAsync(db, [
        sql`INSERT INTO ${table} (id, body) VALUES (${100}, ${'before the failure'})`,
        sql`INSERT INTO ${table} (id, body) VALUES (${0}, ${'duplicate key'})`,
        sql`INSERT INTO ${table} (id, body) VALUES (${101}, ${'after the failure'})`,
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${table} WHERE id >= 100`.execute(db);
    expect(rows[0]!.n).toBe(0);
    await commitAsync(db, [sql`INSERT INTO ${table} (id, body) VALUES (${102}, ${'later'})`]);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${table} WHERE id >= 100`.execute(db);
    expect(after.rows[0]!.n).toBe(1);
  });

  it('a checkpoint moved under a fence no longer held fails as LostTurn, and the rows roll back with it', async () => {
    const name = `wtx_${randomUUID().slice(0, 8)}`;
    await sql`INSERT INTO ${sql.id(ENGINE_SCHEMA, 'checkpoints')} (name, fingerprint, fence) VALUES (${name}, 'v1', 2)`.execute(
      db,
    );
    const stale = [{ name, fence: 1n, previous: null, next: 5n }];
    const error = await commitAsync(db, [
      advanceCheckpointsStatement(stale),
      sql`INSERT INTO ${table} (id, body) VALUES (${200}, ${'with a stale fence'})`,
    ]).catch((e: unknown) => asLostTurn(e, stale));
    expect(error).toBeInstanceOf(LostTurn);
    expect(await livePosition(db, name)).toBeNull();
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${table} WHERE id = 200`.execute(db);
    expect(rows[0]!.n).toBe(0);

    await commitAsync(db, [
      advanceCheckpointsStatement([{ name, fence: 2n, previous: null, next: 5n }]),
      sql`INSERT INTO ${table} (id, body) VALUES (${200}, ${'with the current fence'})`,
    ]);
    expect(await livePosition(db, name)).toBe(5n);
  });

  it('several checkpoints move together, or none does', async () => {
    const names = [`wtx_${randomUUID().slice(0, 8)}`, `wtx_${randomUUID().slice(0, 8)}`];
    for (const name of names)
      await sql`INSERT INTO ${sql.id(ENGINE_SCHEMA, 'checkpoints')} (name, fingerprint, fence) VALUES (${name}, 'v1', 1)`.execute(
        db,
      );
    const oneStale = [
      { name: names[0]!, fence: 1n, previous: null, next: 7n },
      { name: names[1]!, fence: 1n, previous: 3n, next: 7n },
    ];
    const error = await commitAsync(db, [advanceCheckpointsStatement(oneStale)]).catch((e: unknown) =>
      asLostTurn(e, oneStale),
    );
    expect(error).toBeInstanceOf(LostTurn);
    expect([await livePosition(db, names[0]!), await livePosition(db, names[1]!)]).toEqual([null, null]);
    await commitAsync(db, [advanceCheckpointsStatement(oneStale.map((m) => ({ ...m, previous: null })))]);
    expect([await livePosition(db, names[0]!), await livePosition(db, names[1]!)]).toEqual([7n, 7n]);
  });
});
