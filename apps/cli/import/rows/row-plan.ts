import type { CommandDefinition, CommandName, DecidedEvent } from '../../../../libs/domain/commands.js';
import type { DomainEvent } from '../../../../libs/domain/shared/decider.js';
import type { AggregateStates, ImportContext } from '../aggregate-states.js';
import type { LegacyMap } from '../legacy-map.js';
import type { LegacyTableName } from '../legacy-schema.js';
import type { ImportAggregates, LogView } from '../log-view.js';
import type { LegacyRow } from './row-values.js';

/**
 * One command the import sends for a legacy row, in order: decided on the row's stream, at the
 * business time the row gives it (`at`; null when the row has none, which rejects the row).
 */
export type RowCommand = {
  name: CommandName;
  at: Date | null;
  /** which time column `at` came from, for the message when it is empty */
  atColumn: string;
  decide: (view: LogView, context: ImportContext) => DecidedEvent[];
};

/** What the import does with one legacy row: every command goes to one stream. */
export type RowPlan = {
  streamId: string;
  /** streams to read before deciding: the row's own, and those its facts come from */
  streams: readonly string[];
  commands: readonly RowCommand[];
  /** values the row cannot be imported with, found before any command is decided */
  problems?: readonly { column: string; message: string }[];
  /** a row of another table folded into this one (a session's KPI row): it shares the row's fate, unless `rejected` says why not */
  companion?: { table: LegacyTableName; key: Readonly<Record<string, string>>; rejected?: string };
};

/** The seed columns an importer reads from one legacy table, and how it orders them. */
export type TableRead = {
  /** columns the legacy table must have (keys, required fields) */
  required: readonly string[];
  /** columns read when the legacy table has them (the map may say it has not: `column: null`) */
  optional: readonly string[];
  /** the order rows are imported in: business time, then key (see docs/architecture.md) */
  orderBy: readonly string[];
};

/** How one legacy table becomes commands. */
export type TableImporter = {
  table: LegacyTableName;
  /** the key columns: UUID v5 of table and key values names the row's events */
  key: readonly string[];
  /** the row's key when it is not simply `key` (a symptom log without a log id) */
  keyOf?: (row: LegacyRow) => Readonly<Record<string, string>>;
  read: TableRead;
  /** a second table read with it (a session's KPI row, by `session_id`) */
  joined?: { table: LegacyTableName; on: string; references: string; read: TableRead };
  /** command field path → the seed column it came from (to name the column in a rejection) */
  fieldColumns: Readonly<Record<string, string>>;
  plan(row: LegacyRow, map: LegacyMap): RowPlan;
};

/**
 * A command of a row, bound to its definition and its aggregate's states, so the decision is
 * typed end to end.
 *
 * @example command(commandRegistry.RegisterDoctor, (a) => a.doctor, 'doctor-d1', body, at, 'registered_at')
 */
export function command<Name extends CommandName, C extends object, E extends DomainEvent, S>(
  def: CommandDefinition<Name, C, E, S>,
  aggregate: (aggregates: ImportAggregates) => AggregateStates<E, S>,
  streamId: string,
  body: unknown,
  at: Date | null,
  atColumn: string,
): RowCommand {
  return {
    name: def.name,
    at,
    atColumn,
    decide: (view, context) => aggregate(view.aggregates).decide(def, streamId, body, context, view),
  };
}
