import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { cachedFor, createDatabase, createLogger, createTracing, databaseHealthCheck, databasePasswordProvider, observeDatabaseHealth, type Logger, type Tracing } from '@pubsub-ingest/common';
import type { SubscriberConfig } from './config';
import { createHealthServer } from './health/health-server';
import { createIngestCore } from './ingest/ingest-core';
import { MessageTracing } from './ingest/message-tracing';
import { SubscriberMetrics } from './metrics';
import { QueueConsumer } from './poller/queue-consumer';
import { createQueueTransport, createSqsClient } from './sqs/sqs-client';

export interface SubscriberServiceDeps {
  logger?: Logger;
  /** Overrides the tracing the `OTEL_*` configuration asks for. */
  tracing?: Tracing;
}

export interface SubscriberService {
  /** Starts the health listener (HEALTH_HOST:HEALTH_PORT, 0 picks a free port) and the pollers; resolves with the health URL. */
  start(): Promise<string>;
  /** Stops receiving, finishes and acknowledges what it holds, then closes everything. */
  stop(): Promise<void>;
  /** Resolves when the subscriber can work (with a reason when only in part); rejects when it cannot. */
  ready(): Promise<string | undefined>;
  readonly metrics: SubscriberMetrics;
}

// SQS attributes are approximate and refreshed about every minute; a scrape every few seconds need not ask each time.
const QUEUE_DEPTH_CACHE_MS = 10_000;

/** The queue's name, the last segment of its URL. */
export function queueNameOf(queueUrl: string): string {
  return queueUrl.split('/').filter(Boolean).pop() ?? queueUrl;
}

/** The long-polling subscriber, wired once: `main`, the tests and the benchmark all start it through here. */
export function createSubscriberService(config: SubscriberConfig, deps: SubscriberServiceDeps = {}): SubscriberService {
  const logger = deps.logger ?? createLogger('subscriber', config.LOG_LEVEL);
  const password = databasePasswordProvider(config);
  const database = createDatabase(config, {
    logger: logger.child({ module: 'database' }),
    applicationName: 'pubsub-ingest-subscriber',
    ...(password ? { password } : {}),
  });
  const sqs = createSqsClient(config);
  const transport = createQueueTransport(config, sqs);
  const metrics = new SubscriberMetrics();
  const tracing = deps.tracing ?? createTracing('subscriber', config);
  const messageTracing = new MessageTracing(tracing, queueNameOf(config.QUEUE_URL));
  const core = createIngestCore({
    db: database.db,
    batch: { maxBatch: config.BATCH_SIZE, lingerMs: config.BATCH_LINGER_MS, concurrency: config.DATABASE_POOL_SIZE },
    metrics,
    logger: logger.child({ module: 'ingest' }),
    tracing: messageTracing,
  });
  const consumer = new QueueConsumer(
    sqs,
    transport,
    core,
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
    messageTracing,
  );
  metrics.observeQueue(
    cachedFor(QUEUE_DEPTH_CACHE_MS, async () => {
      const { Attributes: a = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: config.QUEUE_URL,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return {
        visible: Number(a.ApproximateNumberOfMessages ?? 0),
        in_flight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
      };
    }),
    () => metrics.sqsErrors.inc({ operation: 'GetQueueAttributes' }),
  );

  const databaseHealth = observeDatabaseHealth(databaseHealthCheck(database.db), metrics.registry);
  const ready = async () => {
    if (!consumer.running) throw new Error('not polling');
    const degraded = await databaseHealth();
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.QUEUE_URL, AttributeNames: ['QueueArn'] }));
    return degraded;
  };
  const health: Server = createHealthServer({ registry: metrics.registry, ready });

  let stopped: Promise<void> | undefined;
  return {
    metrics,
    ready,
    async start() {
      health.listen(config.HEALTH_PORT, config.HEALTH_HOST);
      await once(health, 'listening');
      const { port } = health.address() as AddressInfo;
      consumer.start();
      const url = `http://${config.HEALTH_HOST}:${port}`;
      logger.info({ queueUrl: config.QUEUE_URL, pollers: config.POLLERS, health: url, tracing: tracing.enabled }, 'subscriber polling');
      return url;
    },
    stop: () =>
      (stopped ??= (async () => {
        await consumer.stop();
        await new Promise<void>((resolve) => health.close(() => resolve()));
        await database.destroy();
        transport.destroy();
        sqs.destroy();
        await tracing.shutdown();
      })()),
  };
}
