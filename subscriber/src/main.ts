import { once } from 'node:events';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError, createDatabase, createLogger } from '@pubsub-ingest/common';
import { sql } from 'kysely';
import { loadConfig, type SubscriberConfig } from './config';
import { secretPasswordProvider } from './database-password';
import { createHealthServer } from './health/health-server';
import { BatchWriter } from './ingest/batch-writer';
import { storeMessages } from './ingest/ingest-core';
import { SubscriberMetrics } from './metrics';
import { QueueConsumer } from './poller/queue-consumer';

export function createSqsClient(config: Pick<SubscriberConfig, 'AWS_REGION' | 'AWS_ENDPOINT_URL'>): SQSClient {
  return new SQSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    // A long poll holds its connection for up to 20 s; the timeout must exceed it.
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 2_000 },
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('subscriber', config.LOG_LEVEL);
  const password = config.DATABASE_SECRET_ARN
    ? secretPasswordProvider(config.DATABASE_SECRET_ARN, config.AWS_REGION, config.AWS_ENDPOINT_URL)
    : undefined;
  const database = createDatabase(config, {
    logger: logger.child({ module: 'database' }),
    applicationName: 'pubsub-ingest-subscriber',
    ...(password ? { password } : {}),
  });
  const sqs = createSqsClient(config);
  const metrics = new SubscriberMetrics();
  const writer = new BatchWriter(
    (messages) => storeMessages(database.db, messages),
    { maxBatch: config.BATCH_SIZE, lingerMs: config.BATCH_LINGER_MS, concurrency: config.DATABASE_POOL_SIZE },
    (size) => metrics.batchSize.observe(size),
  );
  const consumer = new QueueConsumer(
    sqs,
    writer,
    {
      queueUrl: config.QUEUE_URL,
      pollers: config.POLLERS,
      waitSeconds: config.RECEIVE_WAIT_SECONDS,
      maxMessages: config.RECEIVE_MAX_MESSAGES,
      visibilityTimeoutSeconds: config.VISIBILITY_TIMEOUT_SECONDS,
      maxInFlight: config.MAX_IN_FLIGHT_MESSAGES,
    },
    metrics,
    logger.child({ module: 'consumer' }),
  );

  const health = createHealthServer({
    registry: metrics.registry,
    ready: async () => {
      if (!consumer.running) throw new Error('not polling');
      await sql`select 1`.execute(database.db);
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.QUEUE_URL, AttributeNames: ['QueueArn'] }));
    },
  });
  health.listen(config.HEALTH_PORT, config.HEALTH_HOST);
  await once(health, 'listening');

  consumer.start();
  logger.info({ queueUrl: config.QUEUE_URL, pollers: config.POLLERS, health: `http://${config.HEALTH_HOST}:${config.HEALTH_PORT}` }, 'subscriber polling');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new receives, finishing and acknowledging held messages');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; unacknowledged messages will be redelivered');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    await consumer.stop();
    health.close();
    await database.destroy();
    sqs.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `subscriber: ${err.message}` : err);
  process.exit(1);
});
