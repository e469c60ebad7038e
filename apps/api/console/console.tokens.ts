/** Injection token of the console's {@link ConsoleFiles}, read once at start. */
export const CONSOLE_FILES = Symbol('CONSOLE_FILES');
