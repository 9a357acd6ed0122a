import { ConfigError } from '../config/env';
import { createLogger, type Logger } from '../logging/logger';

export interface RunnableService {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface RunServiceOptions<C> {
  name: string;
  loadConfig: () => C & { LOG_LEVEL: string; SHUTDOWN_TIMEOUT_MS: number };
  create: (config: C, logger: Logger) => RunnableService;
  /** What a graceful stop does, for the log line at SIGTERM. */
  stopping: string;
  /** What is left undone when the shutdown deadline passes. */
  timedOut: string;
}

/**
 * A service's process: configuration, the service, and signals. SIGTERM or SIGINT stops it
 * gracefully within SHUTDOWN_TIMEOUT_MS and exits 0; a bad configuration exits 1 naming the variable.
 */
export function runService<C>(options: RunServiceOptions<C>): void {
  const main = async () => {
    const config = options.loadConfig();
    const logger = createLogger(options.name, config.LOG_LEVEL);
    const service = options.create(config, logger);
    await service.start();
    const shutdown = async (signal: string): Promise<void> => {
      logger.info({ signal }, `shutting down: ${options.stopping}`);
      const deadline = setTimeout(() => {
        logger.error(`shutdown timed out; ${options.timedOut}`);
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS);
      deadline.unref();
      await service.stop();
      logger.info('stopped');
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  };
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(`${options.name}: ${err.message}`);
    else console.error(`${options.name} failed to start:`, err);
    process.exit(1);
  });
}
