/**
 * A pure decider: no clock, ids or I/O inside. Time, generated ids and facts read from
 * other streams arrive in `context`.
 *
 * @example
 * const events = decider.decide(command, stream.reduce(decider.evolve, decider.initialState()), ctx);
 */
export type Decider<Command, Event extends DomainEvent, State, Context = DecideContext> = {
  decide: (command: Command, state: State, context: Context) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
};

/** An event as the domain emits it; the store adds id, position and metadata. */
export type DomainEvent<Type extends string = string, Data extends object = object> = {
  type: Type;
  data: Data;
};

/** What the command handler gives every decider: the moment and ids made outside. */
export type DecideContext = {
  /** server time of the command */
  now: Date;
  /** a fresh UUID, for fields "generated if absent" */
  generatedId: string;
};
