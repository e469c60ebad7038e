import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { arrayLiteral, SqlBatchIO, WRITE_CHUNK } from '../../libs/projection-engine/sql-io.js';
import { RowCache } from '../../libs/projection-engine/row-cache.js';
import { createTableSql, defineTable, integer, text } from '../../libs/projection-engine/table.js';
import { openDatabase, type DatabaseConnection } from '../../libs/read-store/connection.js';
import { testDatabaseUrl } from '../support/databases.js';

// Values a projection may write into a text column: quotes, backslashes, the array syntax's own
// characters, the word NULL, empty and blank strings, newlines, tabs, non-ASCII, JSON.
const tricky: (string | null)[] = [
  'plain',
  '',
  ' ',
  'NULL',
  null,
  'a,b',
  '{x}',
  'say "hi"',
  'C:\\path\\to',
  '\\"',
  '"',
  '\\',
  'line\nbreak\ttab\r',
  'naïve 😀 — ünïcödé',
  JSON.stringify({ note: 'he said "no"\\', list: [1, null, 'x'] }),
  'trailing\\',
];

async function roundTrip(connection: DatabaseConnection): Promise<(string | null)[]> {
  const literal = arrayLiteral(
    tricky.map((v) => [v]),
    0,
  );
  const { rows } = await sql<{
    v: string | null;
  }>`SELECT u.v FROM unnest(CAST(${literal} AS text[])) WITH ORDINALITY AS u(v, n) ORDER BY u.n`.execute(connection.db);
  return rows.map((r) => r.v);
}

describe('arrayLiteral: one column bound as one PostgreSQL array literal', () => {
  const connections: DatabaseConnection[] = [];
  beforeAll(async () => {
    connections.push(await openDatabase({ kind: 'embedded', dataDir: null }));
    connections.push(await openDatabase({ kind: 'server', url: testDatabaseUrl }));
  }, 60_000);
  afterAll(async () => {
    for (const c of connections) await c.close();
  });

  it('gives back every value exactly, nulls as nulls, on PGlite and on the server', async () => {
    for (const connection of connections) expect(await roundTrip(connection)).toEqual(tricky);
  });

  it('picks the column and keeps the row order', () => {
    expect(
      arrayLiteral(
        [
          ['a', '1'],
          [null, '2'],
          ['c"', null],
        ],
        0,
      ),
    ).toBe('{"a",NULL,"c\\""}');
    expect(
      arrayLiteral(
        [
          ['a', '1'],
          [null, '2'],
          ['c"', null],
        ],
        1,
      ),
    ).toBe('{"1","2",NULL}');
    expect(arrayLiteral([], 0)).toBe('{}');
  });
});

describe('SqlBatchIO writes more rows than one statement takes (WRITE_CHUNK) exactly as one statement would', () => {
  const table = defineTable('chunked_rows', { k: text(), v: integer() }, { primaryKey: ['k'] });
  let connection: DatabaseConnection;
  beforeAll(async () => {
    connection = await openDatabase({ kind: 'embedded', dataDir: null });
    await sql.raw(createTableSql(table)).execute(connection.db);
  }, 60_000);
  afterAll(async () => connection?.close());

  const batch = async (write: (io: SqlBatchIO) => void) => {
    const io = new SqlBatchIO(connection.db, 'public', new RowCache(), async () => []);
    write(io);
    await connection.db.transaction().execute((trx) => io.flush(trx));
    io.committed();
  };
  const rows = async () =>
    (await sql<{ k: string; v: number }>`SELECT k, v FROM chunked_rows ORDER BY k`.execute(connection.db)).rows;

  it('keeps the first row of a key with `ignore` even when its duplicate falls into a later chunk; puts and deletes span chunks', async () => {
    const n = WRITE_CHUNK * 2 + 3;
    const key = (i: number) => `k${String(i).padStart(6, '0')}`;
    // key 0 again at the very end: a later chunk than its first row
    await batch((io) =>
      io.insert(table, [...Array.from({ length: n }, (_, i) => ({ k: key(i), v: i })), { k: key(0), v: -1 }], 'ignore'),
    );
    let stored = await rows();
    expect(stored).toHaveLength(n);
    expect(stored[0]).toEqual({ k: key(0), v: 0 });
    expect(stored.at(-1)).toEqual({ k: key(n - 1), v: n - 1 });
    // every row updated (existence unknown to a fresh cache: upserts), then every other one deleted
    await batch((io) =>
      io.put(
        table,
        Array.from({ length: n }, (_, i) => ({ k: key(i), v: i * 10 })),
      ),
    );
    await batch((io) =>
      io.delete(
        table,
        Array.from({ length: n }, (_, i) => i)
          .filter((i) => i % 2 === 0)
          .map(key),
      ),
    );
    stored = await rows();
    expect(stored).toEqual(
      Array.from({ length: n }, (_, i) => i)
        .filter((i) => i % 2 === 1)
        .map((i) => ({ k: key(i), v: i * 10 })),
    );
  }, 60_000);
});
