import { Module } from '@nestjs/common';
import { findConsoleDir, loadConsoleFiles } from './console-files.js';
import { ConsoleController } from './console.controller.js';
import { CONSOLE_FILES } from './console.tokens.js';

/** `/console` and its files (`apps/console/`), read once when the module starts. */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_FILES, useFactory: () => loadConsoleFiles(findConsoleDir()) }],
})
export class ConsoleModule {}
