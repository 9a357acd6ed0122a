import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  createDatabase,
  createLogger,
  createTracing,
  migrateToLatest,
  databasePasswordProvider,
  type DatabaseHandle,
  type Logger,
  type Tracing,
} from '@pubsub-ingest/common';
import { loadLambdaConfig, type LambdaConfig } from '../config';
import { createIngestCore, isAcknowledgeable, type IngestCore } from '../ingest/ingest-core';
import { MessageTracing } from '../ingest/message-tracing';
import type { IngestMetrics } from '../metrics';
import { receivedMessageOf } from '../sqs/received-message';
import { EmfIngestMetrics } from './emf-metrics';

export interface LambdaRuntime {
  database: DatabaseHandle;
  core: IngestCore;
  logger: Logger;
  tracing: Tracing;
  messageTracing: MessageTracing;
  /** Writes the invocation's metrics. */
  flushMetrics(): void;
}

export interface LambdaRuntimeDeps {
  logger?: Logger;
  /** Overrides the tracing the `OTEL_*` configuration asks for. */
  tracing?: Tracing;
  /** Overrides the CloudWatch EMF metrics (tests read them instead). */
  metrics?: IngestMetrics & { flush(): void };
}

/** Connections and the ingest core of one Lambda instance, wired like the poller's. */
export function createLambdaRuntime(config: LambdaConfig, deps: LambdaRuntimeDeps = {}): LambdaRuntime {
  const logger = deps.logger ?? createLogger('subscriber-lambda', config.LOG_LEVEL);
  const password = databasePasswordProvider(config);
  const database = createDatabase(config, { logger, applicationName: 'pubsub-ingest-lambda', ...(password ? { password } : {}) });
  const tracing = deps.tracing ?? createTracing('subscriber-lambda', config);
  const messageTracing = new MessageTracing(tracing, config.QUEUE_NAME);
  const metrics = deps.metrics ?? new EmfIngestMetrics(config.METRICS_NAMESPACE);
  const core = createIngestCore({
    db: database.db,
    batch: { maxBatch: config.BATCH_SIZE, lingerMs: config.BATCH_LINGER_MS, concurrency: config.DATABASE_POOL_SIZE },
    metrics,
    logger,
    tracing: messageTracing,
  });
  return { database, core, logger, tracing, messageTracing, flushMetrics: () => metrics.flush() };
}

/**
 * The SQS event-source transport of the ingest core. Messages it did not acknowledge are reported
 * in `batchItemFailures` (ReportBatchItemFailures), so Lambda retries only those, and the redrive
 * policy takes the dead letters to the DLQ.
 */
export async function ingestEvent(runtime: LambdaRuntime, event: SQSEvent): Promise<SQSBatchResponse> {
  const { core, logger, messageTracing } = runtime;
  const records = event.Records ?? [];
  const startedAt = Date.now();
  const receive = messageTracing.receive('SQS event', startedAt, records.length);
  const received = records.map((record) => {
    const message = receivedMessageOf(record);
    message.span = messageTracing.process(message, receive, startedAt);
    return message;
  });
  receive?.end();
  const outcomes = await core.ingest(received);
  const batchItemFailures = records.filter((_, i) => !isAcknowledgeable(outcomes[i]!)).map((record) => ({ itemIdentifier: record.messageId }));
  // Lambda settles the messages by this answer: stored ones are deleted, the rest redelivered.
  for (const message of received) message.span?.end();
  logger.info({ received: records.length, failed: batchItemFailures.length }, 'batch ingested');
  runtime.flushMetrics();
  // The instance may be frozen right after returning: nothing buffered may wait for a timer.
  await runtime.tracing.flush().catch((err: unknown) => logger.warn({ err }, 'traces could not be exported'));
  return { batchItemFailures };
}

let runtime: LambdaRuntime | undefined;

/** Connections are created on the first invocation and reused while the function stays warm. */
const runtimeOnce = () => (runtime ??= createLambdaRuntime(loadLambdaConfig()));

/** Applies pending migrations with the function's own database settings. */
export async function migrate(): Promise<string[]> {
  const { database, logger } = runtimeOnce();
  const applied = await migrateToLatest(database.db);
  logger.info({ applied }, 'migrations applied');
  return applied;
}

/**
 * The Lambda entry point. An SQS event is ingested; `{"action": "migrate"}` (a manual or deploy-time
 * invocation) applies the migrations, for deployments without the Helm migration Job.
 */
export async function handler(event: SQSEvent | { action: 'migrate' }): Promise<SQSBatchResponse | { applied: string[] }> {
  if ('action' in event && event.action === 'migrate') return { applied: await migrate() };
  return ingestEvent(runtimeOnce(), event as SQSEvent);
}
