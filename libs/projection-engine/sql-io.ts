import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Position } from '../event-store/index.js';
import { keyString, keyValues, rowKey, type KeyValue, type ProjectionIO } from './io.js';
import type { EventShape, ProjectedEvent } from './projection.js';
import { RowCache } from './row-cache.js';
import type { Column, Table, TableShape } from './table.js';

/** Reads a stream's earlier events for `ProjectionIO.history`. */
export type HistoryReader = (streamId: string, types: readonly string[], upTo: Position) => Promise<ProjectedEvent[]>;

type Pending = {
  table: TableShape;
  /** key → row and whether the row existed before the batch (undefined: unknown) */
  puts: Map<string, { row: object; existed: boolean | undefined }>;
  inserts: { row: object; onConflict: 'ignore' | 'strict' }[];
  deletes: Map<string, string[]>;
};

/**
 * `ProjectionIO` on PostgreSQL (server or PGlite): loads with one query per table (only keys
 * the cache does not know), and writes every buffered row of a table with one statement per
 * kind — DELETE, INSERT of new rows, UPDATE of rows known to exist, INSERT … ON CONFLICT for
 * rows of unknown existence — each binding one text array per column (`unnest`), which both
 * drivers pass the same way. Table names are qualified with `schema`, so loads need no
 * transaction of their own and writes none but the caller's.
 */
export class SqlBatchIO implements ProjectionIO {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
    private readonly cache: RowCache,
    private readonly readHistory: HistoryReader,
  ) {}

  async load<R extends object>(table: Table<R>, keys: Iterable<KeyValue>): Promise<Map<string, R>> {
    const result = new Map<string, R>();
    const missing = new Map<string, string[]>();
    for (const key of keys) {
      const k = keyString(key);
      if (result.has(k) || missing.has(k)) continue;
      const cached = this.cache.get(table.name, k);
      if (cached === undefined) missing.set(k, keyValues(table, key));
      else if (cached !== null) result.set(k, cached as R);
    }
    if (missing.size > 0) {
      const rows = await this.selectByKeys(table, [...missing.values()]);
      for (const row of rows) {
        const k = rowKey(table, row);
        result.set(k, row as R);
        this.cache.set(table.name, k, row);
        missing.delete(k);
      }
      for (const k of missing.keys()) this.cache.set(table.name, k, null);
    }
    return result;
  }

  async loadWhere<R extends object>(table: Table<R>, column: keyof R & string, values: Iterable<string>): Promise<R[]> {
    const list = [...new Set(values)];
    if (list.length === 0) return [];
    const type = table.columns[column]!.typeText;
    const { rows } = await sql<R>`SELECT ${selectList(table)} FROM ${this.ref(table)} t
      WHERE t.${sql.id(column)} = ANY(CAST(${list} AS text[])::${sql.raw(type)}[])`.execute(this.db);
    // they exist: a put of one of them is an update (a complete cache would otherwise take it for new)
    for (const row of rows) this.cache.set(table.name, rowKey(table, row), row);
    return rows;
  }

  put<R extends object>(table: Table<R>, rows: Iterable<R>): void {
    const p = this.pendingOf(table);
    for (const row of rows) {
      const key = rowKey(table, row);
      p.deletes.delete(key);
      const previous = p.puts.get(key);
      const cached = this.cache.get(table.name, key);
      p.puts.set(key, {
        row,
        existed: previous ? previous.existed : cached === undefined ? undefined : cached !== null,
      });
    }
  }

  insert<R extends object>(table: Table<R>, rows: Iterable<R>, onConflict: 'ignore' | 'strict' = 'ignore'): void {
    const p = this.pendingOf(table);
    for (const row of rows) p.inserts.push({ row, onConflict });
  }

  delete<R extends object>(table: Table<R>, keys: Iterable<KeyValue>): void {
    const p = this.pendingOf(table);
    for (const key of keys) {
      const k = keyString(key);
      // a row put earlier in this batch and now deleted: if it existed before, delete it
      const put = p.puts.get(k);
      p.puts.delete(k);
      if (put?.existed === false) continue;
      p.deletes.set(k, keyValues(table, key));
    }
  }

  async max<R extends object>(table: Table<R>, column: keyof R & string): Promise<number | null> {
    const { rows } = await sql<{
      m: number | string | null;
    }>`SELECT max(${sql.id(column)})::float8 AS m FROM ${this.ref(table)}`.execute(this.db);
    const m = rows[0]?.m;
    return m === null || m === undefined ? null : Number(m);
  }

  async history<E extends EventShape>(
    streamId: string,
    types: readonly E['type'][],
    upTo: Position,
  ): Promise<ProjectedEvent<E>[]> {
    return (await this.readHistory(streamId, types, upTo)) as ProjectedEvent<E>[];
  }

  /** True when the batch wrote nothing. */
  get isEmpty(): boolean {
    for (const p of this.pending.values()) if (p.puts.size || p.inserts.length || p.deletes.size) return false;
    return true;
  }

  /**
   * The statements that write every buffered row, in order, for the caller's transaction, each
   * with at most `WRITE_CHUNK` rows: the memory of one statement stays bounded whatever the
   * batch's size, and no statement builds one multi-megabyte parameter string per column.
   */
  statements(): RawBuilder<unknown>[] {
    const out: RawBuilder<unknown>[] = [];
    for (const p of this.pending.values()) {
      const { table } = p;
      if (p.deletes.size > 0) inChunks([...p.deletes.values()], (keys) => out.push(this.deleteRows(table, keys)));
      const puts = [...p.puts.values()];
      const fresh = puts.filter((x) => x.existed === false).map((x) => x.row);
      const existing = puts.filter((x) => x.existed === true).map((x) => x.row);
      const unknown = puts.filter((x) => x.existed === undefined).map((x) => x.row);
      inChunks(fresh, (rows) => out.push(this.insertRows(table, rows, 'strict')));
      inChunks(existing, (rows) => out.push(...this.updateRows(table, rows)));
      inChunks(unknown, (rows) => out.push(this.upsertRows(table, rows)));
      for (const mode of ['strict', 'ignore'] as const) {
        const rows = p.inserts.filter((x) => x.onConflict === mode).map((x) => x.row);
        // in order: with `ignore`, a key's first row still wins across chunks
        inChunks(rows, (chunk) => out.push(this.insertRows(table, chunk, mode)));
      }
    }
    return out;
  }

  /** Writes every buffered row in `trx` (the caller's transaction), one statement after the other. */
  async flush(trx: Kysely<unknown>): Promise<void> {
    for (const statement of this.statements()) await statement.execute(trx);
  }

  /** After the transaction committed: what was written becomes what the cache knows. */
  committed(): void {
    for (const p of this.pending.values()) {
      for (const k of p.deletes.keys()) this.cache.set(p.table.name, k, null);
      for (const [k, { row }] of p.puts) this.cache.set(p.table.name, k, row);
      // "ignore" inserts may have kept an older row: the cache no longer knows the key
      for (const { row, onConflict } of p.inserts) {
        const k = rowKey(p.table, row);
        if (onConflict === 'strict') this.cache.set(p.table.name, k, row);
        else this.cache.forget(p.table.name, k);
      }
    }
    this.pending.clear();
  }

  private pendingOf(table: TableShape): Pending {
    let p = this.pending.get(table.name);
    if (!p) this.pending.set(table.name, (p = { table, puts: new Map(), inserts: [], deletes: new Map() }));
    return p;
  }

  private ref(table: TableShape): RawBuilder<unknown> {
    return sql`${sql.id(this.schema, table.name)}`;
  }

  private async selectByKeys(table: TableShape, keys: string[][]): Promise<object[]> {
    const pk = table.primaryKey;
    const { rows } = await sql<object>`SELECT ${selectList(table)} FROM ${this.ref(table)} t
      WHERE (${sql.join(pk.map((c) => sql`t.${sql.id(c)}`))}) IN (SELECT * FROM ${unnestOf(
        table,
        pk,
        pk.map((_, i) => arrayLiteral(keys, i)),
      )})`.execute(this.db);
    return rows;
  }

  private deleteRows(table: TableShape, keys: string[][]): RawBuilder<unknown> {
    const pk = table.primaryKey;
    return sql`DELETE FROM ${this.ref(table)} t USING ${unnestOf(
      table,
      pk,
      pk.map((_, i) => arrayLiteral(keys, i)),
    )}
      WHERE ${sql.join(
        pk.map((c) => sql`t.${sql.id(c)} = u.${sql.id(c)}`),
        sql` AND `,
      )}`;
  }

  private insertRows(table: TableShape, rows: object[], onConflict: 'ignore' | 'strict'): RawBuilder<unknown> {
    const columns = table.columnNames;
    const conflict = onConflict === 'ignore' ? sql`ON CONFLICT DO NOTHING` : sql``;
    return sql`INSERT INTO ${this.ref(table)} (${sql.join(columns.map((c) => sql.id(c)))})
      SELECT * FROM ${unnestOf(table, columns, columnLiterals(table, columns, rows))} ${conflict}`;
  }

  /** The UPDATE of rows known to exist (none when the table has only key columns). */
  private updateRows(table: TableShape, rows: object[]): RawBuilder<unknown>[] {
    const columns = table.columnNames;
    const pk = table.primaryKey;
    const set = columns.filter((c) => !pk.includes(c));
    if (set.length === 0) return [];
    return [
      sql`UPDATE ${this.ref(table)} t SET ${sql.join(set.map((c) => sql`${sql.id(c)} = u.${sql.id(c)}`))}
      FROM ${unnestOf(table, columns, columnLiterals(table, columns, rows))}
      WHERE ${sql.join(
        pk.map((c) => sql`t.${sql.id(c)} = u.${sql.id(c)}`),
        sql` AND `,
      )}`,
    ];
  }

  private upsertRows(table: TableShape, rows: object[]): RawBuilder<unknown> {
    const columns = table.columnNames;
    const pk = table.primaryKey;
    const set = columns.filter((c) => !pk.includes(c));
    const action =
      set.length === 0
        ? sql`DO NOTHING`
        : sql`DO UPDATE SET ${sql.join(set.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}`;
    return sql`INSERT INTO ${this.ref(table)} (${sql.join(columns.map((c) => sql.id(c)))})
      SELECT * FROM ${unnestOf(table, columns, columnLiterals(table, columns, rows))}
      ON CONFLICT (${sql.join(pk.map((c) => sql.id(c)))}) ${action}`;
  }
}

/**
 * The columns of a loaded row, each as the JSON value `to_jsonb(t.*)` would give it (numbers,
 * ISO-8601 texts for dates and times), which is what a projection's rows hold — but without
 * building and parsing one JSON document per row: on the server that was three quarters of a
 * load's time (`to_jsonb` of 3,000 patient_statistics rows ~30 ms, the plain columns ~8 ms).
 * Both drivers parse `integer`, `double precision`, `boolean`, `json` and `jsonb` themselves;
 * `numeric` comes as float8 (a JSON number, as before), dates and times through `to_json`
 * (the drivers would make Date objects of them).
 */
function selectList(table: TableShape): RawBuilder<unknown> {
  return sql.join(
    table.columnNames.map((name) => {
      const column = sql`t.${sql.id(name)}`;
      switch (columnOf(table, name).sqlType) {
        case 'numeric':
          return sql`${column}::float8 AS ${sql.id(name)}`;
        case 'date':
        case 'timestamptz':
          return sql`to_json(${column}) AS ${sql.id(name)}`;
        default:
          return column;
      }
    }),
  );
}

/** Rows per write statement (see `SqlBatchIO.statements`). */
export const WRITE_CHUNK = 5000;

/** Calls `write` on consecutive slices of at most `WRITE_CHUNK` items, in order. */
function inChunks<T>(items: readonly T[], write: (chunk: T[]) => void): void {
  for (let i = 0; i < items.length; i += WRITE_CHUNK) write(items.slice(i, i + WRITE_CHUNK));
}

/**
 * `(SELECT u.a::type, … FROM unnest($1::text[], …) AS u(a, …)) AS u`: rows bound as one text
 * array per column, each cast to its column's type.
 */
function unnestOf(table: TableShape, columns: readonly string[], literals: readonly string[]): RawBuilder<unknown> {
  const arrays = literals.map((literal) => sql`CAST(${literal} AS text[])`);
  const casts = columns.map((c) => sql`u.${sql.id(c)}::${sql.raw(columnOf(table, c).typeText)} AS ${sql.id(c)}`);
  return sql`(SELECT ${sql.join(casts)} FROM unnest(${sql.join(arrays)}) AS u(${sql.join(columns.map((c) => sql.id(c)))})) AS u`;
}

/**
 * Column `i` of `rows` as one PostgreSQL array literal (`{"a","b\\"c",NULL}`), bound as a single
 * text parameter: the driver then sends one string instead of walking, escaping and joining an
 * array of thousands of values per column (its generic array serialisation was a tenth of the
 * runner's CPU, and its garbage more). Every element is quoted, so only `"` and `\` need escaping.
 */
export function arrayLiteral(rows: readonly (readonly (string | null)[])[], i: number): string {
  return literalOf(rows.map((row) => row[i] ?? null));
}

/**
 * Texts as one array literal. Most columns hold no NULL and nothing to escape (ids, codes,
 * generated text): their literal is one `join`, with no string allocated per element. The
 * others quote element by element.
 */
export function literalOf(texts: readonly (string | null)[]): string {
  let plain = true;
  for (let r = 0; r < texts.length && plain; r++) {
    const text = texts[r] ?? null;
    plain = text !== null && !NEEDS_ESCAPE.test(text);
  }
  if (texts.length === 0) return '{}';
  if (plain) return `{"${texts.join('","')}"}`;
  const parts = new Array<string>(texts.length);
  for (let r = 0; r < texts.length; r++) parts[r] = quoted(texts[r] ?? null);
  return `{${parts.join(',')}}`;
}

/** One element of an array literal: `NULL`, or the value in double quotes. */
function quoted(value: string | null): string {
  if (value === null) return 'NULL';
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

function columnOf(table: TableShape, name: string): Column {
  const column = table.columns[name];
  if (!column) throw new Error(`${table.name} has no column ${name}`);
  return column;
}

/** Rows as one array literal per column, in `columns` order (see `arrayLiteral`). */
function columnLiterals(table: TableShape, columns: readonly string[], rows: readonly object[]): string[] {
  return columns.map((c) => {
    const type = columnOf(table, c).sqlType;
    const texts = new Array<string | null>(rows.length);
    for (let r = 0; r < rows.length; r++) texts[r] = toText(type, (rows[r] as Record<string, unknown>)[c]);
    return literalOf(texts);
  });
}

/** A value as PostgreSQL's text input of its column type. */
export function toText(type: Column['sqlType'], value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'jsonb':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      return String(value);
  }
}
