import { Command } from '@nestjs/cqrs';

/** Who sent a command (from the Bearer key). */
export type Actor = { id: string; role: string };

/** The 201 body of an accepted command (SPEC §2). */
export type CommandAccepted = {
  streamId: string;
  nextExpectedRevision: number;
  /** global log position of the last event, as a decimal string */
  position: string;
  events: { id: string; type: string }[];
};

/** One HTTP command, as the CommandBus carries it to `ExecuteCommandHandler`. */
export class ExecuteCommand extends Command<CommandAccepted> {
  constructor(
    readonly commandName: string,
    readonly body: unknown,
    readonly meta: {
      actor: Actor;
      correlationId: string;
      /** this command's own id: the causationId of the events it emits */
      commandId: string;
      /** from If-Match: the stream must be at this revision; absent: no check (conflicts are retried) */
      expectedRevision?: bigint;
    },
  ) {
    super();
  }
}
