import pg from 'pg';
import type { LegacyMap } from './legacy-map.js';
import { quoteIdent, type LegacyTableName } from './legacy-schema.js';

import type { TableRead } from './rows/row-plan.js';
import type { LegacyRow } from './rows/row-values.js';

/** What one read needs: a table, its columns, and optionally a second table joined to it. */
export type SourceRead = {
  table: LegacyTableName;
  read: TableRead;
  joined?: { table: LegacyTableName; on: string; references: string; read: TableRead; prefix: string };
};

/** The legacy database lacks tables or columns the map names: every one, with where to fix it. */
export class LegacySchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(`the legacy database does not match the map:\n  ${problems.join('\n  ')}`);
    this.name = 'LegacySchemaError';
  }
}

/**
 * The legacy database, read-only, in ONE snapshot (a REPEATABLE READ READ ONLY transaction):
 * counts and rows agree with each other even while the old system keeps writing, and nothing
 * is ever written to it. Time columns come back as `to_json` text in UTC.
 *
 * Two connections share the snapshot (`pg_export_snapshot`): the tables' cursors alternate
 * between them, so the next table's first FETCH (its sort, ~0.1 s for 74,000 symptom logs) runs
 * while this table's rows are still fetched and decided, instead of after them. Where no second
 * connection in the snapshot can be had (the server refuses the export, or the second
 * connection), one connection reads everything.
 */
export class LegacySource {
  private cursors = 0;

  private constructor(
    private readonly clients: readonly pg.Client[],
    private readonly schema: string,
    private readonly map: LegacyMap,
  ) {}

  /** True when two reads run side by side (two connections share the snapshot). */
  get concurrentReads(): boolean {
    return this.clients.length > 1;
  }

  /** The connection that runs `query` and the snapshot's other statements. */
  private get client(): pg.Client {
    return this.clients[0]!;
  }

  /** Connects and opens the snapshot. */
  static async open(url: string, schema: string, map: LegacyMap): Promise<LegacySource> {
    const first = await snapshotClient(url);
    try {
      await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await readSettings(first);
    } catch (error) {
      await first.end();
      throw error;
    }
    let second: pg.Client | null = null;
    try {
      const { rows } = await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      second = await snapshotClient(url);
      await second.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await second.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(rows[0]!.id)}`);
      await readSettings(second);
    } catch {
      // No shared snapshot here: the first connection reads every table, in a transaction
      // begun again (a failed export aborts it; nothing has been read in it yet).
      await second?.end().catch(() => undefined);
      second = null;
      try {
        await first.query('ROLLBACK');
        await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await readSettings(first);
      } catch (error) {
        await first.end();
        throw error;
      }
    }
    return new LegacySource(second ? [first, second] : [first], schema, map);
  }

  /** Throws `LegacySchemaError` naming every mapped table or column the legacy database lacks. */
  async check(reads: readonly SourceRead[]): Promise<void> {
    const { rows } = await this.client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
      [this.schema],
    );
    const columns = new Map<string, Set<string>>();
    for (const r of rows)
      (columns.get(r.table_name) ?? columns.set(r.table_name, new Set()).get(r.table_name)!).add(r.column_name);
    const problems: string[] = [];
    const checkOne = (table: LegacyTableName, read: TableRead) => {
      const name = this.map.table(table);
      const present = columns.get(name);
      if (!present) {
        problems.push(`table ${this.schema}.${name} (seed table ${table}) does not exist`);
        return;
      }
      for (const column of [...read.required, ...read.optional]) {
        const legacy = this.map.column(table, column);
        if (legacy === null) {
          if (read.required.includes(column))
            problems.push(`${table}.${column} is required: the map cannot leave it out`);
        } else if (!present.has(legacy)) {
          problems.push(
            `column ${name}.${legacy} (seed column ${table}.${column}) does not exist${legacy === column ? ' (map it with --map)' : ''}`,
          );
        }
      }
    };
    for (const r of reads) {
      checkOne(r.table, r.read);
      if (r.joined) checkOne(r.joined.table, r.joined.read);
    }
    if (problems.length) throw new LegacySchemaError(problems);
  }

  /** How many rows each of the legacy tables holds: one statement, one round trip. */
  async counts(tables: readonly LegacyTableName[]): Promise<number[]> {
    if (tables.length === 0) return [];
    const { rows } = await this.client.query<Record<string, string>>(
      `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM ${this.tableRef(t)})::text AS n${i}`).join(', ')}`,
    );
    return tables.map((_, i) => Number(rows[0]![`n${i}`]));
  }

  /** Runs a query inside the snapshot (reconcile's own reads). */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>(text, values)).rows;
  }

  /** `"schema"."legacy name"` of a seed table. */
  tableRef(table: LegacyTableName): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(this.map.table(table))}`;
  }

  /** `alias."legacy column"` of a seed column, or `NULL` when the legacy table has none. */
  columnRef(alias: string, table: LegacyTableName, column: string): string {
    const legacy = this.map.column(table, column);
    return legacy === null ? 'NULL' : `${alias}.${quoteIdent(legacy)}`;
  }

  /**
   * The rows in import order, `chunk` at a time, keyed by seed column names (joined columns
   * prefixed), values as JSON. Each row comes as one JSON object (`row_to_json`): one parse per
   * row instead of one per column. The object is built after the sort: a subquery sorts the
   * narrow rows (its columns only; `OFFSET 0` keeps PostgreSQL from flattening it, which would
   * build every row's JSON before sorting the wide rows) and the outer query, ordered by the
   * same columns (already sorted: no second sort), names each value by its seed column and
   * turns the row into one object.
   */
  async *rows(read: SourceRead, chunk = 2000): AsyncGenerator<LegacyRow[]> {
    const sql = this.rowsQuery(read);
    const n = ++this.cursors;
    const cursor = `legacy_rows_${n}`;
    // Consecutive reads on different connections (when there are two): see the class comment.
    const client = this.clients[n % this.clients.length]!;
    await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`);
    try {
      for (;;) {
        const { rows } = await client.query<{ r: LegacyRow }>(`FETCH FORWARD ${chunk} FROM ${cursor}`);
        if (rows.length === 0) return;
        yield rows.map((r) => r.r);
        if (rows.length < chunk) return;
      }
    } finally {
      await client.query(`CLOSE ${cursor}`).catch(() => undefined);
    }
  }

  /**
   * The `SELECT` of `rows()`: one JSON object `r` per row, in import order. `row_to_json` of a
   * row whose columns carry the seed names writes what `json_build_object` of the same names and
   * values writes, without it: `json_build_object` looks up every argument's type again for every
   * row (a 100,000-row import's legacy reads: ~0.4 of the server's ~0.6 s), and it takes at most
   * 100 arguments.
   */
  rowsQuery(read: SourceRead): string {
    // The subquery's columns, each legacy column once (`c0`, `c1`, …); a column the map
    // leaves out stays a plain `NULL` in the object.
    const inner = new Map<string, string>();
    const ref = (alias: string, table: LegacyTableName, column: string) => {
      const expression = this.columnRef(alias, table, column);
      if (expression === 'NULL') return 'NULL::text';
      let name = inner.get(expression);
      if (name === undefined) inner.set(expression, (name = `c${inner.size}`));
      return `s.${name}`;
    };
    const fields = (alias: string, table: LegacyTableName, r: TableRead, prefix = '') =>
      [...r.required, ...r.optional].map((c) => `${ref(alias, table, c)} AS ${quoteIdent(prefix + c)}`);
    const list = [...fields('t', read.table, read.read)];
    let from = `${this.tableRef(read.table)} t`;
    if (read.joined) {
      const j = read.joined;
      list.push(...fields('j', j.table, j.read, j.prefix));
      from += ` LEFT JOIN ${this.tableRef(j.table)} j ON ${this.columnRef('j', j.table, j.on)} = ${this.columnRef('t', read.table, j.references)}`;
    }
    const sorted = read.read.orderBy.filter((c) => this.map.column(read.table, c) !== null);
    const innerOrder = sorted.map((c) => `${this.columnRef('t', read.table, c)} NULLS FIRST`);
    const outerOrder = sorted.map((c) => `${ref('t', read.table, c)} NULLS FIRST`);
    const columns = [...inner].map(([expression, name]) => `${expression} AS ${name}`);
    const orderBy = (order: string[]) => (order.length ? ` ORDER BY ${order.join(', ')}` : '');
    return (
      `SELECT row_to_json(x) AS r FROM (SELECT ${list.join(', ')} FROM ` +
      `(SELECT ${columns.join(', ')} FROM ${from}${orderBy(innerOrder)} OFFSET 0) s${orderBy(outerOrder)}) x`
    );
  }

  /** Ends the snapshot and disconnects. */
  async close(): Promise<void> {
    for (const client of [...this.clients].reverse()) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }
}

/** A connection to the legacy database for the snapshot. */
async function snapshotClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'caretrack-import' });
  // A connection lost between two fetches fails the next query (exit 3); it must not also
  // surface as an unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The snapshot's session settings (LOCAL: they end with it and change nothing on the legacy server). */
async function readSettings(client: pg.Client): Promise<void> {
  await client.query(`SET LOCAL TimeZone = 'UTC'`);
  await client.query(`SET LOCAL statement_timeout = 0`);
  // Every table is read sorted into import order: at the default 4MB the sort of a large
  // table (symptom_log_export, ~74k rows) spills to disk and its first FETCH waits for the
  // spill (139 ms; 40 ms in memory with the narrow sort of rows()).
  await client.query(`SET LOCAL work_mem = '64MB'`);
}

const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;
