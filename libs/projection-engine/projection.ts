import type { Kysely } from 'kysely';
import type { StagesConfig, TriageMap } from '../domain/tracker/tracker-config.js';
import type { StoredEvent } from '../event-store/index.js';

/** The configuration a projection may read: passed in, never read from files or the clock. */
export type ProjectionContext = {
  triageMap: TriageMap;
  stages: StagesConfig;
};

/** Configuration inputs whose text is part of a projection's fingerprint. */
export type ConfigKey = 'triageMap' | 'stages';

/**
 * A read model, declared as a plain object. The engine creates its tables, feeds it batches
 * of the events it handles, and commits its rows with its checkpoint in one transaction.
 *
 * Table names in `tables` and in `apply` are unqualified: the engine sets `search_path` to
 * the live schema (or a rebuild's shadow schema) around every call.
 *
 * @example
 * export const doctorsProjection: Projection = {
 *   name: 'doctors', version: 1, eventTypes: ['DoctorRegistered'],
 *   tableNames: ['doctors'],
 *   tables: ['CREATE TABLE doctors (doctor_id text PRIMARY KEY, name text NOT NULL, …)'],
 *   async apply(events, db) { await upsertRows(db, 'doctors', ['doctor_id'], events.map(toRow)); },
 * };
 */
export interface Projection {
  /** unique; by convention the name of its main read table */
  readonly name: string;
  /** bump when `apply` changes meaning: part of the fingerprint */
  readonly version: number;
  /** the event types `apply` handles; the engine filters the log by them */
  readonly eventTypes: readonly string[];
  /** every table it owns, main table first */
  readonly tableNames: readonly string[];
  /** DDL (CREATE TABLE / CREATE INDEX), unqualified names, run in order on an empty schema */
  readonly tables: readonly string[];
  /** configuration it reads (part of the fingerprint) */
  readonly configKeys?: readonly ConfigKey[];
  /**
   * Applies a batch (in log order) with set-based SQL: a constant number of statements per
   * batch, not one per event. Must not read the clock; time comes from the events.
   */
  apply(events: readonly StoredEvent[], db: Kysely<unknown>, context: ProjectionContext): Promise<void>;
}
