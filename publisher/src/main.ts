import { ConfigError, createLogger } from '@pubsub-ingest/common';
import { loadConfig } from './config';
import { createPublisherService } from './publisher-service';

/** The publisher process: configuration, the service, signals. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('publisher', config.LOG_LEVEL);
  const service = createPublisherService(config, { logger });
  await service.start();

  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting with in-flight work unfinished');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`publisher: ${err.message}`);
  else console.error('publisher failed to start:', err);
  process.exit(1);
});
