import type { JsonObject, Position } from '../event-store/index.js';
import type { ProjectionIO } from './io.js';
import type { OpenedEvent } from './open-events.js';
import { tableDdl, type TableShape } from './table.js';

/**
 * The configuration a projection may read: passed in, never read from files or the clock.
 * The engine knows no rule, so it declares this empty; the projections' layer fills it in by
 * declaration merging (`projections/context.ts`), and the runner's caller passes the values.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface ProjectionContext {}

/** Configuration inputs whose text is part of a projection's fingerprint. */
export type ConfigKey = Extract<keyof ProjectionContext, string>;

/**
 * An event's data as projections receive it: each personal field (SPEC §9) is its value, or
 * `null` once the subject was erased. Projections type their events with it
 * (`defineProjection<Erasable<ConsultationEvent> | PatientErased>`); they never decrypt.
 */
export type { Erasable } from '../personal-data/personal-fields.js';

/** The typed part of an event: its type and the data of that type. */
export type EventShape = { type: string; data: object };

/**
 * What a projection receives: the typed event, plus where it sits in the log and its business
 * time (`metadata.occurredAt`).
 */
export type ProjectedEvent<E extends EventShape = EventShape> = E & {
  id: string;
  streamId: string;
  position: Position;
  /** business time (SPEC §3): `metadata.occurredAt` */
  occurredAt: string;
  metadata: JsonObject;
};

/**
 * The ONE place where a stored event becomes the typed event a projection receives. The engine
 * only passes a projection events of the types it declares, and the domain validated their
 * data when it decided them, so the type is the declared one. Only opened events get here
 * (`EventOpener`: personal fields decrypted, or `null` for an erased subject, SPEC §9); an
 * event whose ciphertext did not open is refused with its `UndecryptableEventError`, so no
 * row is written from it and the runner reports it.
 */
export function toProjectedEvent<E extends EventShape>(stored: OpenedEvent): ProjectedEvent<E> {
  if (stored.undecryptable) throw stored.undecryptable;
  // The opened view is the projected event (every projection of the batch shares it: no copy).
  return stored as unknown as ProjectedEvent<E>;
}

/**
 * A read model, declared as a plain object. The engine creates its tables, feeds it batches
 * of the events it declares (typed), and commits what it wrote through `io` with its
 * checkpoint in one transaction. A projection never runs SQL: it asks `io` for the rows a
 * batch needs and tells it the rows to write; the engine does the I/O (cached loads,
 * one statement per table, COPY where it pays).
 *
 * @example
 * export const doctorsProjection = defineProjection<DoctorEvent>({
 *   name: 'doctors', version: 2, eventTypes: ['DoctorRegistered'], tables: [doctorsTable],
 *   apply: keyedRows(doctorsTable, { key: (e) => e.data.doctorId, evolve: foldDoctor }),
 * });
 */
export interface Projection<E extends EventShape = EventShape> {
  /** unique; by convention the name of its main read table */
  readonly name: string;
  /** bump when `apply` changes meaning: part of the fingerprint */
  readonly version: number;
  /** the event types `apply` handles; the engine filters the log by them */
  readonly eventTypes: readonly E['type'][];
  /** every table it owns, main table first */
  readonly tableDefs: readonly TableShape[];
  /** derived from `tableDefs`: their names */
  readonly tableNames: readonly string[];
  /** derived from `tableDefs`: DDL (CREATE TABLE, CREATE INDEX), unqualified names */
  readonly tables: readonly string[];
  /** configuration it reads (part of the fingerprint) */
  readonly configKeys?: readonly ConfigKey[];
  /**
   * Applies a batch (in log order): loads what it needs through `io` (once per batch), folds
   * the events with pure functions, and hands `io` the rows to write. Must not read the clock;
   * time comes from the events.
   */
  apply(events: readonly ProjectedEvent<E>[], io: ProjectionIO, context: ProjectionContext): Promise<void>;
}

/** What a projection declares; `defineProjection` derives the rest. */
export type ProjectionDeclaration<E extends EventShape> = Omit<Projection<E>, 'tableDefs' | 'tableNames' | 'tables'> & {
  tables: readonly TableShape[];
};

/** Builds a projection from its declaration (table names and DDL derive from the tables). */
export function defineProjection<E extends EventShape>(declaration: ProjectionDeclaration<E>): Projection<E> {
  const { tables, ...rest } = declaration;
  return {
    ...rest,
    tableDefs: tables,
    tableNames: tables.map((t) => t.name),
    tables: tables.flatMap(tableDdl),
  };
}
