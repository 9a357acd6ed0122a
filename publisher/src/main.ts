import { once } from 'node:events';
import type { Server } from 'node:http';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { ConfigError, createDatabase, createLogger } from '@pubsub-ingest/common';
import { sql } from 'kysely';
import { createApp } from './app';
import { loadConfig, type PublisherConfig } from './config';
import { PublisherMetrics } from './http/metrics';
import { createPublisher } from './ingest/create-publisher';
import { TopicAllowList } from './ingest/topic-allow-list';

export function createSnsClient(config: PublisherConfig): SNSClient {
  return new SNSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    maxAttempts: config.SNS_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: config.SNS_REQUEST_TIMEOUT_MS, connectionTimeout: 2_000 },
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('publisher', config.LOG_LEVEL);
  const database = createDatabase(config, { logger: logger.child({ module: 'database' }), applicationName: 'pubsub-ingest-publisher' });
  const sns = createSnsClient(config);
  const metrics = new PublisherMetrics();
  const topics = new TopicAllowList(config.ALLOWED_TOPICS);
  const publisher = createPublisher(config, sns, metrics, logger);
  let shuttingDown = false;

  const app = createApp({
    logger,
    pool: database.pool,
    publisher,
    topics,
    metrics,
    isShuttingDown: () => shuttingDown,
    readinessChecks: [
      { name: 'database', check: async () => void (await sql`select 1`.execute(database.db)) },
      {
        name: 'sns',
        check: async () => {
          await Promise.all(topics.topics.map((t) => sns.send(new GetTopicAttributesCommand({ TopicArn: t.arn }))));
        },
      },
    ],
  });

  const server: Server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const address = server.address();
  logger.info({ address }, `publisher listening on http://${config.HOST}:${typeof address === 'object' && address ? address.port : config.PORT}`);

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting with in-flight work unfinished');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await publisher.close();
    await database.destroy();
    sns.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`publisher: ${err.message}`);
  } else {
    console.error('publisher failed to start:', err);
  }
  process.exit(1);
});
