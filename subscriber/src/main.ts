import { ConfigError, createLogger } from '@pubsub-ingest/common';
import { loadConfig } from './config';
import { createSubscriberService } from './subscriber-service';

/** The subscriber process: configuration, the service, signals. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('subscriber', config.LOG_LEVEL);
  const service = createSubscriberService(config, { logger });
  await service.start();

  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'shutting down: no new receives, finishing and acknowledging held messages');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; unacknowledged messages will be redelivered');
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
  if (err instanceof ConfigError) console.error(`subscriber: ${err.message}`);
  else console.error('subscriber failed to start:', err);
  process.exit(1);
});
