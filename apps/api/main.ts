import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './bootstrap/create-app.js';
import { createLogger } from './logging/logger.js';

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
    logger.info({ signal }, 'shutting down');
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const bound = app.getHttpServer().address();
  const address = typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : { host: config.host, port: config.port };
  logger.info({ ...address, store: infrastructure.describe }, 'caretrack listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`caretrack failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
