import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandsController } from './commands.controller.js';
import { ExecuteCommandHandler } from './execute-command.handler.js';

/** Command intake: the HTTP controller and the CommandBus handler. */
@Module({
  imports: [CqrsModule],
  controllers: [CommandsController],
  providers: [ExecuteCommandHandler],
})
export class CommandsModule {}
