import type { Decider, DomainEvent } from './decider.js';

/**
 * A given/when/then helper for decider specs: folds `events`, decides `command`.
 *
 * @example expect(given(decider, registered).when(command, ctx)).toEqual([...])
 */
export function given<C, E extends DomainEvent, S, Ctx>(decider: Decider<C, E, S, Ctx>, ...events: E[]) {
  const state = events.reduce(decider.evolve, decider.initialState());
  return {
    /** The events the command produces. */
    when: (command: C, context: Ctx): E[] => decider.decide(command, state, context),
    /** The one event the command produces; fails when it produces none or several. */
    whenOne: (command: C, context: Ctx): E => only(decider.decide(command, state, context)),
    /** The error the command throws; fails when it throws nothing. */
    error: (command: C, context: Ctx): unknown => {
      try {
        decider.decide(command, state, context);
      } catch (error) {
        return error;
      }
      throw new Error(`expected ${JSON.stringify(command)} to be rejected`);
    },
  };
}

/**
 * The single item of `items`; throws when there is not exactly one (a spec's precondition).
 *
 * @example const event = only(decide(command, state, ctx));
 */
export function only<T>(items: readonly T[]): T {
  const [item] = items;
  if (items.length !== 1 || item === undefined) throw new Error(`expected exactly one item, got ${items.length}`);
  return item;
}
