import type { z } from 'zod';
import type { DecideContext, Decider, DomainEvent } from './shared/decider.js';
import { validationErrorFromZod, type Command } from './shared/command.js';
import { ValidationError } from './shared/errors.js';
import { unstorableStrings } from './shared/storable-text.js';

/** Facts a handler reads from other streams: true when that stream has at least one event. */
export type FactName = 'patientRegistered' | 'doctorRegistered';

/** One stream the handler must check before deciding, and the context fact it feeds. */
export type FactRequirement = { fact: FactName; streamId: string };

/**
 * Everything a handler may pass to any decider: the moment, a fresh UUID, the facts the
 * command `requires`, and for LogSymptom `isKnownSymptom` (the keys of triage_map.yaml).
 */
export type CommandContext = DecideContext &
  Partial<Record<FactName, boolean>> & { isKnownSymptom?: (symptomId: string) => boolean };

/** An event as decided, with its business time (`metadata.occurredAt`). */
export type DecidedEvent = DomainEvent & { occurredAt: Date };

/**
 * An aggregate's state folded from a stream's events, as a handler may keep it between
 * commands (so a long stream is not folded again for every command). Opaque outside the
 * domain: only a command of the same aggregate can extend it or decide on it.
 */
export type FoldedState = {
  /** the aggregate's decider: states of different aggregates never mix */
  readonly aggregate: object;
  readonly value: unknown;
};

/** A command validated and bound to its definition: all a generic handler needs, no casts. */
export type PreparedCommand = {
  name: string;
  /** the validated fields */
  command: object;
  streamId: string;
  requires: FactRequirement[];
  /** what the executor does before appending this command's events (none for most commands) */
  effects: readonly CommandEffect[];
  /** folds the stream's events and decides; throws the domain's errors */
  decide: (pastEvents: readonly DomainEvent[], context: CommandContext) => DecidedEvent[];
  /** identifies the aggregate (its decider): a `FoldedState` of another aggregate is not this one's */
  aggregate: object;
  /** the state after `events`, folded onto `state` (null: the initial state); throws on another aggregate's state */
  fold: (state: FoldedState | null, events: readonly DomainEvent[]) => FoldedState;
  /** decides on a folded state; throws the domain's errors */
  decideOn: (state: FoldedState, context: CommandContext) => DecidedEvent[];
};

/**
 * What a command does besides appending its events, done by the executor after the decision
 * and before the append. `destroyDataKey`: the subject's data key is destroyed (ErasePatient);
 * destroy-then-append is retry-safe, append-then-destroy is not (docs/architecture.md).
 */
export type CommandEffect = { kind: 'destroyDataKey'; subjectId: string };

/** The key roles that may send a command (SPEC §8): services send the clinical commands, admins erase. */
export type CommandRole = 'service' | 'admin';

/** How one command is validated, routed and decided. */
export type CommandDefinition<Name extends string, C extends object, E extends DomainEvent, S> = {
  name: Name;
  /** who may send it; `['service']` unless the definition says otherwise */
  roles: readonly CommandRole[];
  /** the zod schema (validation at the edge and OpenAPI) */
  schema: z.ZodType<C>;
  /** the stream the command writes to */
  streamId: (command: C) => string;
  /** other streams whose existence the decider needs, keyed by the fact they feed */
  requires?: (command: C) => FactRequirement[];
  /** side effects the executor performs after deciding and before appending (ErasePatient: destroy the data key) */
  effects?: (command: C) => CommandEffect[];
  /** the aggregate's decider */
  decider: Decider<Command<Name, C>, E, S, CommandContext>;
  /** true for the aggregate's own events (others in a stream are skipped) */
  isEvent: (event: DomainEvent) => event is E;
  /** business time of an event this command emits */
  occurredAt: (event: E, now: Date) => Date;
  /** validates a body (ValidationError with paths) and binds it to this definition */
  prepare: (body: unknown) => PreparedCommand;
};

/**
 * Folds past events with `evolve` and decides the command.
 *
 * @example decideCommand(commandRegistry.RegisterDoctor, { doctorId: 'd1', name: 'Dr Ada' }, [], ctx)
 */
export function decideCommand<Name extends string, C extends object, E extends DomainEvent, S>(
  def: CommandDefinition<Name, C, E, S>,
  command: C,
  pastEvents: readonly DomainEvent[],
  context: CommandContext,
): E[] {
  const state = pastEvents.filter(def.isEvent).reduce(def.decider.evolve, def.decider.initialState());
  return def.decider.decide({ type: def.name, data: command }, state, context);
}

/** The aggregate state inside a `FoldedState`, once it is known to be this decider's. */
function stateOf<S>(decider: { initialState: () => S }, folded: FoldedState | null): S {
  if (folded === null) return decider.initialState();
  if (folded.aggregate !== decider) throw new TypeError('a folded state of another aggregate');
  // Safe: only this decider's fold (below) makes a FoldedState whose aggregate is this decider.
  return folded.value as S;
}

/**
 * Validates a command body as `prepare` does: the zod schema, and strings PostgreSQL's jsonb
 * can store. Throws `ValidationError` listing every bad field with its path.
 *
 * @example validateCommand(commandRegistry.RegisterDoctor.schema, { doctorId: 'd1', name: 'Dr Ada' })
 */
export function validateCommand<C extends object>(schema: z.ZodType<C>, body: unknown): C {
  const parsed = schema.safeParse(body);
  const unstorable = unstorableStrings(body);
  if (!parsed.success) {
    const error = validationErrorFromZod(parsed.error);
    throw new ValidationError(error.message, [
      ...error.errors,
      ...unstorable.filter((u) => !error.errors.some((e) => e.path === u.path)),
    ]);
  }
  if (unstorable.length) throw new ValidationError('the command has invalid fields', unstorable);
  return parsed.data;
}

/** Builds a registry entry and its `prepare`, checking that schema, name and decider agree. */
export function defineCommand<Name extends string, C extends object, E extends DomainEvent, S>(
  def: Omit<CommandDefinition<Name, C, E, S>, 'prepare' | 'roles'> & { roles?: readonly CommandRole[] },
): CommandDefinition<Name, C, E, S> {
  const full: CommandDefinition<Name, C, E, S> = {
    ...def,
    roles: def.roles ?? ['service'],
    prepare: (body) => {
      const command = validateCommand(def.schema, body);
      return {
        name: def.name,
        command,
        streamId: def.streamId(command),
        requires: def.requires?.(command) ?? [],
        effects: def.effects?.(command) ?? [],
        decide: (pastEvents, context) =>
          decideCommand(full, command, pastEvents, context).map((event) => ({
            ...event,
            occurredAt: def.occurredAt(event, context.now),
          })),
        aggregate: def.decider,
        fold: (state, events) => ({
          aggregate: def.decider,
          value: events.filter(def.isEvent).reduce(def.decider.evolve, stateOf(def.decider, state)),
        }),
        decideOn: (state, context) =>
          def.decider
            .decide({ type: def.name, data: command }, stateOf(def.decider, state), context)
            .map((event) => ({ ...event, occurredAt: def.occurredAt(event, context.now) })),
      };
    },
  };
  return full;
}
