import { sql, type Kysely } from 'kysely';

/** Rows that differ between two copies of a table: present in one, not in the other. */
export type TableDifference = {
  table: string;
  /** how many rows are only in `left` / only in `right` */
  onlyLeft: number;
  onlyRight: number;
  /** up to `limit` examples of each, as JSON */
  examplesLeft: Record<string, unknown>[];
  examplesRight: Record<string, unknown>[];
};

/**
 * Compares the tables of two schemas row by row (as multisets of whole rows, by checksum of
 * each row's JSON). Returns only tables that differ.
 */
export async function compareSchemas(
  db: Kysely<unknown>,
  left: string,
  right: string,
  tables: readonly string[],
  limit = 20,
): Promise<TableDifference[]> {
  const result: TableDifference[] = [];
  for (const table of tables) {
    const diff = (a: string, b: string) => sql<{ row: Record<string, unknown>; n: string }>`
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
        examplesLeft: l.rows.map((x) => x.row),
        examplesRight: r.rows.map((x) => x.row),
      });
    }
  }
  return result;
}

/**
 * The tables whose rows differ between two schemas, by a checksum of each table: its row
 * count and the sum of a 60-bit hash of every row's text (one sequential scan per table and
 * side, no sort). Equal checksums mean equal multisets of rows but for a hash collision
 * (about 2^-60 per differing row); `compareSchemas` then explains the tables that differ.
 */
export async function tablesThatDiffer(db: Kysely<unknown>, left: string, right: string, tables: readonly string[]): Promise<string[]> {
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
