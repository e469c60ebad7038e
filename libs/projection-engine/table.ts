/**
 * A read table declared once: its columns (SQL type, nullability, TypeScript type), primary
 * key and indexes. The DDL, the row type, the query layer's column lists and the engine's
 * statements (loads, inserts, updates, COPY) all derive from it.
 *
 * @example
 * export const doctorsTable = defineTable('doctors', {
 *   doctor_id: text(), name: text(), email: text().nullable(), registered_at: timestamptz(),
 * }, { primaryKey: ['doctor_id'] });
 * type DoctorRow = RowOf<typeof doctorsTable>; // { doctor_id: string; …; email: string | null; registered_at: string }
 */

/** The SQL types a read table may use, each with the JSON value a row holds for it. */
export type SqlType =
  'text' | 'integer' | 'numeric' | 'double precision' | 'boolean' | 'date' | 'timestamptz' | 'jsonb';

/** A JSON value, as a `jsonb` column holds it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One column: SQL type, nullability, and the TypeScript type of its value (phantom). */
export type Column<T = unknown, N extends boolean = boolean, S extends SqlType = SqlType> = {
  readonly sqlType: S;
  /** full type text in the DDL, e.g. `numeric(10,2)` */
  readonly typeText: string;
  /** may hold NULL */
  readonly allowsNull: N;
  readonly default?: string;
  readonly check?: string;
  /** digits after the point of a `numeric(p,s)` (canonical text for hashing) */
  readonly scale?: number;
  /** phantom: never set, carries the value type */
  readonly __value?: T;
};

/** A column that can be made nullable, given a default or a CHECK. */
export type ColumnBuilder<T, N extends boolean, S extends SqlType> = Column<T, N, S> & {
  nullable(): ColumnBuilder<T, true, S>;
  defaultTo(sql: string): ColumnBuilder<T, N, S>;
  checkIn(values: readonly string[]): ColumnBuilder<T, N, S>;
};

function column<T, S extends SqlType>(
  sqlType: S,
  typeText: string = sqlType,
  extra: { scale?: number } = {},
): ColumnBuilder<T, false, S> {
  const make = <N extends boolean>(c: Column<T, N, S>): ColumnBuilder<T, N, S> => ({
    ...c,
    nullable: () => make<true>({ ...c, allowsNull: true }),
    defaultTo: (sql: string) => make<N>({ ...c, default: sql }),
    checkIn: (values: readonly string[]) =>
      make<N>({ ...c, check: values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ') }),
  });
  return make<false>({ sqlType, typeText, allowsNull: false, ...extra });
}

/** `text` */
export const text = <T extends string = string>() => column<T, 'text'>('text');
/** `integer` (a JSON number) */
export const integer = () => column<number, 'integer'>('integer');
/** `numeric(precision, scale)` (a JSON number; exact for the declared scale) */
export const numeric = (precision: number, scale: number) =>
  column<number, 'numeric'>('numeric', `numeric(${precision},${scale})`, { scale });
/** `numeric` without a declared scale: exact integers beyond 2^53 (log positions), as decimal strings */
export const decimal = () => column<string, 'numeric'>('numeric');
/** `double precision` (a JSON number) */
export const double = () => column<number, 'double precision'>('double precision');
/** `boolean` */
export const boolean = () => column<boolean, 'boolean'>('boolean');
/** `date`, as `YYYY-MM-DD` */
export const date = () => column<string, 'date'>('date');
/** `timestamptz`, as an ISO-8601 string (any offset going in; compared as instants) */
export const timestamptz = () => column<string, 'timestamptz'>('timestamptz');
/** `jsonb` */
export const jsonb = <T = JsonValue>() => column<T, 'jsonb'>('jsonb');

/** The columns of a table, in DDL order. */
export type Columns = Readonly<Record<string, Column>>;

type ValueOf<C> = C extends Column<infer T, infer N, SqlType> ? (N extends true ? T | null : T) : never;

/** The JSON row of a column list: `{ doctor_id: string; email: string | null; … }`. */
export type RowOfColumns<C extends Columns> = { -readonly [K in keyof C]: ValueOf<C[K]> };

/** An index: its name, columns (with `DESC`, `NULLS LAST` … as written) and method. */
export type IndexDeclaration = { name: string; columns: readonly string[]; unique?: boolean; using?: 'gin' | 'btree' };

/** What the engine needs of any declared table. */
export interface TableShape {
  readonly name: string;
  readonly columns: Columns;
  readonly columnNames: readonly string[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexDeclaration[];
  /** `fillfactor` below 100 leaves room on each page for updates in place (HOT) */
  readonly fillfactor?: number;
}

/** A declared table. `R` is the row type, `N` its name. */
export interface Table<
  R extends object = object,
  C extends Columns = Columns,
  N extends string = string,
> extends TableShape {
  readonly name: N;
  readonly columns: C;
  readonly columnNames: readonly (keyof R & string)[];
  readonly primaryKey: readonly (keyof R & string)[];
  /** phantom: never set, carries the row type */
  readonly __row?: R;
}

/** The row type of a declared table. */
export type RowOf<T> = T extends Table<infer R> ? R : never;

/**
 * The kysely database type of some declared tables: each table's name to its row. Queries typed
 * with it fail the type check on a table or column that no declaration has.
 *
 * @example type ReadDatabase = DatabaseOf<typeof readTables>; db.selectFrom('patients').where('patient_id', '=', id)
 */
export type DatabaseOf<T extends readonly TableShape[]> = { [K in T[number] as K['name']]: RowOf<K> };

/**
 * Declares a table.
 *
 * @example defineTable('sessions', { id: text(), … }, { primaryKey: ['id'], indexes: [{ name: 'idx_x', columns: ['player_id', 'created_at DESC'] }] })
 */
export function defineTable<const N extends string, C extends Columns>(
  name: N,
  columns: C,
  options: { primaryKey: readonly (keyof C & string)[]; indexes?: readonly IndexDeclaration[]; fillfactor?: number },
): Table<RowOfColumns<C>, C, N> {
  return {
    name,
    columns,
    columnNames: Object.keys(columns) as (keyof C & string)[],
    primaryKey: options.primaryKey,
    indexes: options.indexes ?? [],
    ...(options.fillfactor === undefined ? {} : { fillfactor: options.fillfactor }),
  };
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** `CREATE TABLE` of a declared table, with its primary key (unqualified name). */
export function createTableSql(table: TableShape): string {
  const lines = Object.entries(table.columns).map(([name, c]) => {
    const parts = [`${quote(name)} ${c.typeText}`];
    if (!c.allowsNull) parts.push('NOT NULL');
    if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
    if (c.check !== undefined) parts.push(`CHECK (${quote(name)} IN (${c.check}))`);
    return parts.join(' ');
  });
  lines.push(`PRIMARY KEY (${table.primaryKey.map(quote).join(', ')})`);
  const storage = table.fillfactor === undefined ? '' : ` WITH (fillfactor = ${table.fillfactor})`;
  return `CREATE TABLE ${quote(table.name)} (\n  ${lines.join(',\n  ')}\n)${storage}`;
}

/** `CREATE INDEX` statements of a declared table (unqualified names). */
export function createIndexesSql(table: TableShape): string[] {
  return table.indexes.map(
    (index) =>
      `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quote(index.name)} ON ${quote(table.name)}${index.using ? ` USING ${index.using.toUpperCase()}` : ''} (${index.columns.join(', ')})`,
  );
}

/** The whole DDL of a table: CREATE TABLE, then its indexes. */
export function tableDdl(table: TableShape): string[] {
  return [createTableSql(table), ...createIndexesSql(table)];
}
