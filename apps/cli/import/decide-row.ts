import { DomainError, ValidationError } from '../../../libs/domain/index.js';
import type { EventToAppend, ExpectedRevision } from '../../../libs/event-store/index.js';
import { PatientErasedError } from '../../../libs/personal-data/index.js';
import { erasedSubjectOf } from './seal-imported.js';
import { importedIdsOf } from './event-ids.js';
import { isoInstant } from './iso-instant.js';
import type { LegacyMap } from './legacy-map.js';
import { isLegacyTableName, type LegacyTableName } from './legacy-schema.js';
import type { LogView } from './log-view.js';
import type { RowPlan, TableImporter } from './rows/row-plan.js';
import { keyValues, type LegacyRow } from './rows/row-values.js';

/**
 * Version of the event envelope in `metadata.schemaVersion`: the command handler's
 * (`EVENT_SCHEMA_VERSION`, equal by `event-ids.spec.ts`; not imported from it, which would load
 * Nest into the command line).
 */
export const IMPORT_SCHEMA_VERSION = 1;

/** Who imported events are from (SPEC §11). */
export const IMPORT_ACTOR = { id: 'import', role: 'import' } as const;

/** What became of one legacy row. */
export type RowOutcome = {
  table: LegacyTableName;
  key: Readonly<Record<string, string>>;
  status: 'imported' | 'already' | 'rejected';
  /** why a rejected row was not imported, naming the legacy column when a value is at fault */
  reason?: string;
  /** the domain's error code of a rejection (`validation_failed`, `not_found`, `retry_limit_reached`, …) */
  code?: string;
  streamId: string;
  /** events to append (those of the row not yet in the log) */
  events: EventToAppend[];
  /** the stream's revision before them */
  expectedRevision: ExpectedRevision;
  /** appends of one entity (a patient) keep their order: see `prepareImported` */
  entity: string;
  /** the companion row (a session's KPI row) and what became of it */
  companion?: {
    table: LegacyTableName;
    key: Readonly<Record<string, string>>;
    status: RowOutcome['status'];
    reason?: string;
    code?: string;
  };
};

/** What the planner needs besides the row. */
export type DecideRowContext = {
  view: LogView;
  map: LegacyMap;
  /** this run's id: the `correlationId` of every event it appends */
  runId: string;
  isKnownSymptom: (symptomId: string) => boolean;
  /** true for a patient erased before this row: personal data for them is refused (SPEC §9) */
  isErased: (patientId: string) => boolean;
};

/**
 * Decides one legacy row as the command path would: each of its commands in turn, on the
 * stream's state, at the row's business time, with the facts of the streams it requires. An
 * event whose id is already in the stream (an earlier run) is skipped, so a rerun appends only
 * what is missing. Any rule the row breaks rejects the whole row and undoes its decisions.
 */
export function decideRow(importer: TableImporter, row: LegacyRow, plan: RowPlan, ctx: DecideRowContext): RowOutcome {
  const key = importer.keyOf?.(row) ?? keyObject(importer.key, keyValues(row, importer.key));
  const { streamId } = plan;
  const before = ctx.view.revision(streamId);
  const expectedRevision: ExpectedRevision = before ?? 'no_stream';
  const base: OutcomeBase = { importer, plan, key, expectedRevision };

  if (plan.problems?.length)
    return rejected(
      base,
      plan.problems.map((p) => `${columnLabel(importer, p.column, ctx.map)}: ${p.message}`).join('; '),
      'validation_failed',
    );

  const ids = importedIdsOf(importer.table, Object.values(key));
  const rowId = ids.rowId;
  const restore = ctx.view.mark(streamId);
  const fresh: EventToAppend[] = [];
  const freshIds: string[] = [];
  let entity = streamId;
  const commands = plan.commands;
  for (let index = 0; index < commands.length; index++) {
    const command = commands[index]!;
    const id = ids.eventId(index);
    if (ctx.view.has(streamId, id)) continue;
    if (command.at === null) {
      restore();
      return rejected(
        base,
        `${columnLabel(importer, command.atColumn, ctx.map)} is empty: the event's business time comes from it`,
        'validation_failed',
      );
    }
    let decided;
    try {
      decided = command.decide(ctx.view, { now: command.at, generatedId: rowId, isKnownSymptom: ctx.isKnownSymptom });
    } catch (error) {
      restore();
      if (error instanceof DomainError) return rejected(base, describe(error, importer, ctx.map), error.code);
      throw error;
    }
    // Every command of the domain emits exactly one event: the event index is the command index.
    if (decided.length !== 1)
      throw new Error(`${command.name} emitted ${decided.length} events; the import expects one`);
    const event = decided[0]!;
    entity = entityOf(event.data) ?? entity;
    freshIds.push(id);
    fresh.push({
      id,
      type: event.type,
      data: sortedCopy(event.data),
      // Keys in sorted order, as the log's canonical JSON writes them: it need not sort them again.
      metadata: {
        actor: IMPORT_ACTOR,
        causationId: rowId,
        commandName: command.name,
        correlationId: ctx.runId,
        imported: { key, table: importer.table },
        occurredAt: isoInstant(event.occurredAt),
        schemaVersion: IMPORT_SCHEMA_VERSION,
      },
    });
  }
  if (fresh.length === 0) return rowOutcome(base, 'already', NO_EVENTS, streamId);
  // As the command path: personal data for an erased patient is refused; facts without it are not.
  const erased = erasedSubjectOf(fresh, ctx.isErased);
  if (erased !== null) {
    restore();
    return rejected(base, new PatientErasedError(erased).message, 'patient_erased');
  }
  ctx.view.advance(streamId, freshIds);
  return rowOutcome(base, 'imported', fresh, entity);
}

/** The events of an outcome that appends nothing: one frozen list, so a row that adds none allocates none. */
const NO_EVENTS = Object.freeze([]) as unknown as EventToAppend[];

/** What every outcome of one row shares: built once per row. */
type OutcomeBase = {
  importer: TableImporter;
  plan: RowPlan;
  key: Readonly<Record<string, string>>;
  expectedRevision: ExpectedRevision;
};

/** The row is not imported, for `reason` (the domain's `code`): it adds no event. */
function rejected(base: OutcomeBase, reason: string, code: string): RowOutcome {
  return rowOutcome(base, 'rejected', NO_EVENTS, base.plan.streamId, reason, code);
}

/**
 * Every outcome is built by this one literal: one object shape, which V8 keeps fast (a spread
 * of a shared base with overrides cost a quarter of a dry run's decideRow time). A function of
 * its own, not closures made per row.
 */
function rowOutcome(
  base: OutcomeBase,
  status: RowOutcome['status'],
  events: EventToAppend[],
  entity: string,
  reason?: string,
  code?: string,
): RowOutcome {
  const companion = base.plan.companion;
  return {
    table: base.importer.table,
    key: base.key,
    status,
    reason,
    code,
    streamId: base.plan.streamId,
    events,
    expectedRevision: base.expectedRevision,
    entity,
    companion:
      companion === undefined
        ? undefined
        : companion.rejected !== undefined
          ? {
              table: companion.table,
              key: companion.key,
              status: 'rejected',
              reason: companion.rejected,
              code: 'not_imported',
            }
          : { table: companion.table, key: companion.key, status, reason, code },
  };
}

/**
 * A copy of an event's data with the keys of every plain object in sorted order, as the log's
 * canonical JSON writes them: the store then writes it with one `JSON.stringify` instead of key
 * by key. Sorting a handful of keys costs less than the key-by-key writing did (~0.2 s of a
 * 100,000-row import); nested objects (a session's KPIs) are sorted too, else the whole event
 * takes the slow path. Anything but plain objects and arrays is kept as it is.
 */
function sortedCopy(data: object, depth = 0): Record<string, unknown> {
  const keys = Object.keys(data);
  // Insertion sort, in place: an event has a handful of keys, and `Array.prototype.sort`
  // allocates a work copy on every call (a twelfth of a dry run's garbage).
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = sortedValue((data as Record<string, unknown>)[key], depth + 1);
  return copy;
}

/** Deeper than 32 levels a value is kept as it is (the store sorts it): no deep recursion here. */
function sortedValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => sortedValue(item, depth + 1));
  return Object.getPrototypeOf(value) === Object.prototype ? sortedCopy(value, depth) : value;
}

function keyObject(columns: readonly string[], values: readonly string[]): Record<string, string> {
  const key: Record<string, string> = {};
  columns.forEach((column, i) => (key[column] = values[i]!));
  return key;
}

/** The patient an event is about: appends about one patient keep their order. */
function entityOf(data: object): string | undefined {
  if ('patientId' in data && typeof data.patientId === 'string') return `patient:${data.patientId}`;
  if ('playerId' in data && typeof data.playerId === 'string') return `patient:${data.playerId}`;
  return undefined;
}

/** A rejection in the legacy database's own terms: its column names, the rule broken. */
function describe(error: DomainError, importer: TableImporter, map: LegacyMap): string {
  if (error instanceof ValidationError && error.errors.length > 0)
    return error.errors
      .map(
        (e) =>
          `${columnLabel(importer, importer.fieldColumns[e.path] ?? e.path.split('.')[0] ?? e.path, map)}: ${e.message}`,
      )
      .join('; ');
  return error.message;
}

/** A seed column (`status`, or `session_kpis.touches`) as the legacy database names it. */
function columnLabel(importer: TableImporter, column: string, map: LegacyMap): string {
  const dot = column.indexOf('.');
  const table = column.slice(0, dot);
  if (dot > 0 && isLegacyTableName(table)) {
    const name = column.slice(dot + 1);
    return `${map.table(table)}.${map.column(table, name) ?? name}`;
  }
  return map.column(importer.table, column) ?? column;
}
