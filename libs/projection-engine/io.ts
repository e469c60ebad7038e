import type { Position } from '../event-store/index.js';
import type { EventShape, ProjectedEvent } from './projection.js';
import type { Table, TableShape } from './table.js';

/** A primary-key value: one column's value, or the values of a composite key in key order. */
export type KeyValue = string | number | readonly (string | number)[];

/**
 * The I/O a projection asks of the engine while it applies a batch. Loads are cached by the
 * engine across batches (while the runner holds the projection's lease); writes are buffered
 * and written with one statement per table and kind, in the transaction that also moves the
 * checkpoint.
 */
export interface ProjectionIO {
  /** The rows with these primary keys (absent keys are simply not in the map), keyed by `keyString`. */
  load<R extends object>(table: Table<R>, keys: Iterable<KeyValue>): Promise<Map<string, R>>;
  /** Rows whose `column` (an indexed one) is one of `values`; not served from the cache, but the rows found are remembered (a put of one updates it). */
  loadWhere<R extends object>(table: Table<R>, column: keyof R & string, values: Iterable<string>): Promise<R[]>;
  /** Inserts or updates rows by primary key (the last put of a key in a batch wins). */
  put<R extends object>(table: Table<R>, rows: Iterable<R>): void;
  /**
   * Inserts rows that are new. `ignore`: a row whose key exists is left as it is (first one
   * wins); `strict`: an existing key is an error (an event applied twice fails loudly).
   */
  insert<R extends object>(table: Table<R>, rows: Iterable<R>, onConflict?: 'ignore' | 'strict'): void;
  /** Deletes rows by primary key. */
  delete<R extends object>(table: Table<R>, keys: Iterable<KeyValue>): void;
  /** The largest value of a numeric column, or null for an empty table (e.g. the last ordinal). */
  max<R extends object>(table: Table<R>, column: keyof R & string): Promise<number | null>;
  /**
   * The events of one stream of the given types up to and including `upTo`, in log order: the
   * history a projection re-reads in the rare case that its stored state cannot absorb an event
   * (a backdated symptom log), instead of keeping a copy of every event in its own tables.
   */
  history<E extends EventShape>(
    streamId: string,
    types: readonly E['type'][],
    upTo: Position,
  ): Promise<ProjectedEvent<E>[]>;
}

/** The text form of a key (composite keys joined by NUL, which no id contains). */
export function keyString(key: KeyValue): string {
  return typeof key === 'object' ? key.map(String).join('\u0000') : String(key);
}

/** The primary key of a row, as `keyString` gives it. */
export function rowKey(table: TableShape, row: object): string {
  const values = table.primaryKey.map((column) => String((row as Record<string, unknown>)[column]));
  return values.length === 1 ? values[0]! : values.join('\u0000');
}

/** The values of a key, one per primary-key column. */
export function keyValues(table: TableShape, key: KeyValue): string[] {
  const values = typeof key === 'object' ? key.map(String) : [String(key)];
  if (values.length !== table.primaryKey.length)
    throw new Error(`${table.name}: a key needs ${table.primaryKey.length} value(s)`);
  return values;
}

/**
 * What a keyed projection does when a data subject is erased (SPEC §9): every row whose
 * `subjectColumn` names the subject is passed through `clear` (its personal columns `null`).
 */
export type ErasureSpec<E extends EventShape, R extends object> = {
  /** the subject an event erases (PatientErased), `undefined` for every other event */
  subjectOf: (event: ProjectedEvent<E>) => string | undefined;
  /** the column naming the subject of a row (indexed: rows are found by it) */
  subjectColumn: keyof R & string;
  /** the row once its subject was erased (pure): the personal columns `null`, nothing else changed */
  clear: (row: R) => R;
};

/**
 * Loads a batch's rows through a keyed pure fold, the skeleton most projections share: the
 * keys the batch touches are loaded once, each event folded into its key's row in log order,
 * and every changed row written with one statement.
 *
 * With `erase`, an erasure in the batch also clears every row of its subject: those already
 * stored and those this batch made. The engine hands a batch holding a subject's erasure with
 * all of that subject's events already erased (their personal fields `null`), so clearing the
 * batch's end state gives the rows a replay after the erasure gives.
 *
 * @example
 * apply: keyedRows(patientsTable, { key: (e) => e.data.patientId, evolve: foldPatient })
 */
export function keyedRows<E extends EventShape, R extends object>(
  table: Table<R>,
  spec: {
    /** the key of the row an event changes; `undefined`: the event changes no row */
    key: (event: ProjectedEvent<E>) => KeyValue | undefined;
    /** the row after the event (pure); return the same object (or undefined) for "no change" */
    evolve: (row: R | undefined, event: ProjectedEvent<E>) => R | undefined;
    erase?: ErasureSpec<E, R>;
  },
): (events: readonly ProjectedEvent<E>[], io: ProjectionIO) => Promise<void> {
  return async (events, io) => {
    const keyed = events.flatMap((event) => {
      const key = spec.key(event);
      return key === undefined ? [] : [{ event, key: keyString(key), raw: key }];
    });
    const current = await io.load(
      table,
      keyed.map((k) => k.raw),
    );
    const changed = new Map<string, R>();
    for (const { event, key } of keyed) {
      const before = changed.get(key) ?? current.get(key);
      const after = spec.evolve(before, event);
      if (after !== undefined && after !== before) changed.set(key, after);
    }
    if (spec.erase) await clearErased(table, spec.erase, events, io, changed);
    io.put(table, changed.values());
  };
}

/** Clears the rows of the subjects erased in `events`: stored ones and those in `changed` (which it updates). */
async function clearErased<E extends EventShape, R extends object>(
  table: Table<R>,
  erase: ErasureSpec<E, R>,
  events: readonly ProjectedEvent<E>[],
  io: ProjectionIO,
  changed: Map<string, R>,
): Promise<void> {
  const subjects = new Set(events.flatMap((event) => erase.subjectOf(event) ?? []));
  if (subjects.size === 0) return;
  const rows = new Map<string, R>();
  for (const row of await io.loadWhere(table, erase.subjectColumn, subjects)) rows.set(rowKey(table, row), row);
  for (const [key, row] of changed) rows.set(key, row);
  for (const [key, row] of rows) {
    if (subjects.has(String(row[erase.subjectColumn]))) changed.set(key, erase.clear(row));
  }
}
