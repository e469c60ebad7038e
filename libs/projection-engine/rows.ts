import { sql, type Kysely } from 'kysely';

/** A row as JSON: dates as `YYYY-MM-DD`, times as ISO strings, numbers as numbers (pg and PGlite alike). */
export type Row = Record<string, unknown>;

/**
 * Loads the rows whose `column` is one of `keys`, as JSON (stable types across drivers).
 *
 * @example const current = await loadRows(db, 'patients', 'patient_id', ['p1', 'p2']);
 */
export async function loadRows(
  db: Kysely<unknown>,
  table: string,
  column: string,
  keys: readonly string[],
): Promise<Row[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<{ row: Row }>`SELECT to_jsonb(t.*) AS row FROM ${sql.table(table)} t
    WHERE t.${sql.ref(column)} = ANY(${[...new Set(keys)]}::text[])`.execute(db);
  return rows.map((r) => r.row);
}

/** Loads rows into a map keyed by `column`. */
export async function loadRowMap(
  db: Kysely<unknown>,
  table: string,
  column: string,
  keys: readonly string[],
): Promise<Map<string, Row>> {
  return new Map((await loadRows(db, table, column, keys)).map((row) => [String(row[column]), row]));
}

/**
 * Inserts or updates many rows in one statement (`jsonb_populate_recordset` types each
 * column from the table). Every row must carry every column it wants written; on conflict
 * the given columns are overwritten.
 */
export async function upsertRows(
  db: Kysely<unknown>,
  table: string,
  keyColumns: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const updates = columns.filter((c) => !keyColumns.includes(c));
  const conflict = sql.join(keyColumns.map((c) => sql.ref(c)));
  const action =
    updates.length === 0
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET ${sql.join(updates.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`;
  await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${sql.join(columns.map((c) => sql`r.${sql.ref(c)}`))}
    FROM jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb) r
    ON CONFLICT (${conflict}) ${action}`.execute(db);
}

/** Inserts many rows in one statement; rows whose key exists already are skipped. */
export async function insertRows(
  db: Kysely<unknown>,
  table: string,
  keyColumns: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${sql.join(columns.map((c) => sql`r.${sql.ref(c)}`))}
    FROM jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb) r
    ON CONFLICT (${sql.join(keyColumns.map((c) => sql.ref(c)))}) DO NOTHING`.execute(db);
}
