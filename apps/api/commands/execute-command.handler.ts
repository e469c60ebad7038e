import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COMMAND_EXECUTOR } from '../tokens.js';
import type { CommandExecutor } from './command-executor.js';
import { ExecuteCommand, type CommandAccepted } from './execute-command.js';

/** Every command's CommandBus handler: hands it to the `CommandExecutor` (read, decide, append, retry). */
@CommandHandler(ExecuteCommand)
export class ExecuteCommandHandler implements ICommandHandler<ExecuteCommand> {
  constructor(@Inject(COMMAND_EXECUTOR) private readonly executor: CommandExecutor) {}

  execute({ commandName, body, meta }: ExecuteCommand): Promise<CommandAccepted> {
    return this.executor.execute(commandName, body, meta);
  }
}
