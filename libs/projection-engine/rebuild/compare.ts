import { sql, type Kysely } from 'kysely';
import type { TableShape } from '../table.js';

/**
 * A row present on one side only, named without its values: its primary key, and the columns
 * whose values differ from the other side's row of that key (`null`: the other side has no row
 * with that key). Differences are stored (`caretrack_projections.rebuilds`) and served; whole
 * rows would copy personal fields into a table that outlives an erasure (SPEC §9).
 */
export type RowDifference = { key: Record<string, unknown>; columns: string[] | null };

/** Rows that differ between two copies of a table: present in one, not in the other. */
export type TableDifference = {
  table: string;
  /** how many rows are only in `left` / only in `right` */
  onlyLeft: number;
  onlyRight: number;
  /** up to `limit` examples of each: key and differing column names */
  examplesLeft: RowDifference[];
  examplesRight: RowDifference[];
};

/**
 * Compares the tables of two schemas row by row (as multisets of whole rows, by checksum of
 * each row's JSON). Returns only tables that differ, each difference named by key and columns.
 */
export async function compareSchemas(
  db: Kysely<unknown>,
  left: string,
  right: string,
  tables: readonly TableShape[],
  limit = 20,
): Promise<TableDifference[]> {
  const result: TableDifference[] = [];
  for (const shape of tables) {
    const table = shape.name;
    const diff = (a: string, b: string) =>
      sql<{ row: Record<string, unknown>; n: string }>`
      WITH a AS (SELECT to_jsonb(t.*) AS row FROM ${sql.id(a, table)} t),
           b AS (SELECT to_jsonb(t.*) AS row FROM ${sql.id(b, table)} t),
           missing AS (SELECT md5(row::text) AS h FROM a EXCEPT ALL SELECT md5(row::text) FROM b)
      SELECT (SELECT row FROM a WHERE md5(a.row::text) = missing.h LIMIT 1) AS row, count(*) OVER ()::text AS n
      FROM missing LIMIT ${limit}`.execute(db);
    const [l, r] = await Promise.all([diff(left, right), diff(right, left)]);
    if (l.rows.length || r.rows.length) {
      result.push({
        table,
        onlyLeft: Number(l.rows[0]?.n ?? 0),
        onlyRight: Number(r.rows[0]?.n ?? 0),
        examplesLeft: await named(
          db,
          right,
          shape,
          l.rows.map((x) => x.row),
        ),
        examplesRight: await named(
          db,
          left,
          shape,
          r.rows.map((x) => x.row),
        ),
      });
    }
  }
  return result;
}

/** Each row as its key and the columns in which the other side's row of the same key differs. */
async function named(
  db: Kysely<unknown>,
  other: string,
  shape: TableShape,
  rows: readonly Record<string, unknown>[],
): Promise<RowDifference[]> {
  if (rows.length === 0) return [];
  const keyOf = (row: Record<string, unknown>) =>
    Object.fromEntries(shape.primaryKey.map((column) => [column, row[column]]));
  const keys = rows.map((row) => JSON.stringify(keyOf(row)));
  const { rows: found } = await sql<{
    row: Record<string, unknown>;
  }>`SELECT to_jsonb(t.*) AS row FROM ${sql.id(other, shape.name)} t
    WHERE to_jsonb(t.*) @> ANY(CAST(${keys} AS jsonb[]))`.execute(db);
  const byKey = new Map(found.map((row) => [JSON.stringify(keyOf(row.row)), row.row]));
  return rows.map((row, i) => {
    const counterpart = byKey.get(keys[i]!);
    const columns = counterpart
      ? Object.keys(row).filter((column) => JSON.stringify(row[column]) !== JSON.stringify(counterpart[column]))
      : null;
    return { key: keyOf(row), columns };
  });
}

/**
 * The tables whose rows differ between two schemas, by a checksum of each table: its row
 * count and the sum of a 60-bit hash of every row's text (one sequential scan per table and
 * side, no sort). Equal checksums mean equal multisets of rows but for a hash collision
 * (about 2^-60 per differing row); `compareSchemas` then explains the tables that differ.
 */
export async function tablesThatDiffer(
  db: Kysely<unknown>,
  left: string,
  right: string,
  tables: readonly string[],
): Promise<string[]> {
  const differ: string[] = [];
  for (const table of tables) {
    const checksum = async (schema: string) => {
      const { rows } = await sql<{ n: string; h: string | null }>`SELECT count(*)::text AS n,
          sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint)::text AS h
        FROM ${sql.id(schema, table)} t`.execute(db);
      return `${rows[0]?.n}:${rows[0]?.h ?? ''}`;
    };
    const [l, r] = await Promise.all([checksum(left), checksum(right)]);
    if (l !== r) differ.push(table);
  }
  return differ;
}

/**
 * The differences between a projection's tables in two schemas: checksums first, then row by
 * row only for the tables whose checksums differ (to explain them). Empty when they match.
 */
export async function schemaDifferences(
  db: Kysely<unknown>,
  left: string,
  right: string,
  projection: { tableNames: readonly string[]; tableDefs: readonly TableShape[] },
): Promise<TableDifference[]> {
  const differ = await tablesThatDiffer(db, left, right, projection.tableNames);
  if (differ.length === 0) return [];
  return compareSchemas(
    db,
    left,
    right,
    projection.tableDefs.filter((t) => differ.includes(t.name)),
  );
}
