import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './bootstrap/create-app.js';
import { createLogger } from './logging/logger.js';

/** A stop that has not finished by then exits anyway (SPEC §10: within 10 s). */
const SHUTDOWN_DEADLINE_MS = 9_000;

/** The service's entry point: configuration is read here, once, and passed down. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config);
  const { app, infrastructure, close } = await createApp(config, logger);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down: draining requests and projection batches');
    // SPEC §10: exit within 10 s whatever happens (a hung store must not keep the process).
    setTimeout(() => {
      logger.error({ signal }, `shutdown took over ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await close();
      logger.info({ signal }, 'stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error, signal }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const bound = app.getHttpServer().address();
  const address =
    typeof bound === 'object' && bound !== null
      ? { host: bound.address, port: bound.port }
      : { host: config.host, port: config.port };
  logger.info({ ...address, store: infrastructure.describe }, 'caretrack listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`caretrack failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
