import type { Decider, DecideContext } from '../shared/decider.js';
import { ConflictError } from '../shared/errors.js';
import { unreachable, type Command } from '../shared/command.js';
import type { RegisterDoctor } from './doctor.commands.js';
import type { DoctorEvent } from './doctor.events.js';

/** Commands of the doctor aggregate. */
export type DoctorCommand = Command<'RegisterDoctor', RegisterDoctor>;

/** What the decider remembers about a doctor. */
export type DoctorState = { registered: boolean };

/** The doctor aggregate, stream `doctor-{doctorId}`. */
export const doctorDecider: Decider<DoctorCommand, DoctorEvent, DoctorState, DecideContext> = {
  initialState: () => ({ registered: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'DoctorRegistered':
        return { registered: true };
      default:
        return unreachable(event.type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterDoctor':
        if (state.registered)
          throw new ConflictError(`doctor ${command.data.doctorId} is already registered`, 'already_exists');
        return [{ type: 'DoctorRegistered', data: command.data }];
      default:
        return unreachable(command.type);
    }
  },
};
