import { sql, type AliasedRawBuilder, type RawBuilder } from 'kysely';
import type { JsonSchema } from '../openapi/json-schema.js';

/** How a read-table column is served: its JSON type, and for strings the format. */
export type ColumnKind = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'time' | 'json';

/** A column's kind; a trailing `?` marks it nullable. */
export type ColumnSpec = ColumnKind | `${ColumnKind}?`;

/** The served columns of a read table (or of a query's rows), in response and CSV order. */
export type Columns = Readonly<Record<string, ColumnSpec>>;

/** A JSON value, as a `jsonb` column holds it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

type KindValue = {
  text: string;
  integer: number;
  number: number;
  boolean: boolean;
  /** `YYYY-MM-DD` */
  date: string;
  /** ISO-8601 in UTC, milliseconds: `2025-03-01T09:30:00.000Z` */
  time: string;
  json: JsonValue;
};

/**
 * The JSON row type of a column list.
 *
 * @example RowOf<{ patient_id: 'text'; date_of_birth: 'date?' }> // { patient_id: string; date_of_birth: string | null }
 */
export type RowOf<C extends Columns> = {
  -readonly [K in keyof C]: C[K] extends `${infer Base extends ColumnKind}?`
    ? KindValue[Base] | null
    : C[K] extends ColumnKind
      ? KindValue[C[K]]
      : never;
};

/** The kind of a column, without its `?`. */
export function kindOf(spec: ColumnSpec): ColumnKind {
  return spec.replace('?', '') as ColumnKind;
}

/** True when the column may be null. */
export function isNullable(spec: ColumnSpec): boolean {
  return spec.endsWith('?');
}

/** A timestamptz as ISO-8601 in UTC with milliseconds (the format of events' occurredAt). */
export function isoTime(expression: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * A timestamptz at full (microsecond) precision, for cursors: a millisecond value would
 * skip or repeat rows whose times differ below the millisecond.
 */
export function cursorTime(expression: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

function format(kind: ColumnKind, ref: RawBuilder<unknown>): RawBuilder<unknown> {
  switch (kind) {
    case 'date':
      return sql`to_char(${ref}, 'YYYY-MM-DD')`;
    case 'time':
      return isoTime(ref);
    case 'integer':
      // counts are bigint (a string in pg): every integer is served as a JSON number
      return sql`${ref}::integer`;
    case 'number':
      // numeric (fee) is a string in pg; float8 is exact for numeric(10,2)
      return sql`${ref}::float8`;
    case 'text':
    case 'boolean':
    case 'json':
      return ref;
  }
}

/**
 * The selections of `columns` read from table alias `table`, each formatted as served (dates
 * `YYYY-MM-DD`, times ISO in UTC, numbers as JSON numbers) under its own name. The columns come
 * from the table's declaration, so they exist; the query's own refs are checked by
 * `Kysely<ReadDatabase>`.
 *
 * @example db.selectFrom('patients as p').select(served(patientColumns, 'p')).$castTo<PatientRow>()
 */
export function served(columns: Columns, table: string): AliasedRawBuilder<unknown, string>[] {
  return Object.entries(columns).map(([name, spec]) => format(kindOf(spec), sql.ref(`${table}.${name}`)).as(name));
}

const schemaOfKind: Record<ColumnKind, JsonSchema> = {
  text: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  time: { type: 'string', format: 'date-time' },
  json: {},
};

/**
 * The JSON Schema of one row of `columns` (for the OpenAPI document).
 *
 * @example rowSchema({ patient_id: 'text' }) // { type: 'object', properties: { patient_id: { type: 'string' } }, required: ['patient_id'] }
 */
export function rowSchema(columns: Columns, descriptions: Partial<Record<string, string>> = {}): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(columns).map(([name, spec]) => {
      const base = schemaOfKind[kindOf(spec)];
      const typed =
        isNullable(spec) && typeof base['type'] === 'string' ? { ...base, type: [base['type'], 'null'] } : base;
      const description = descriptions[name];
      return [name, description ? { ...typed, description } : typed];
    }),
  );
  return { type: 'object', properties, required: Object.keys(columns), additionalProperties: false };
}
