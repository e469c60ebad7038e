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
