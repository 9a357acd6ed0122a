import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDatabase, createLogger, migrateToLatest, databasePasswordProvider, type DatabaseHandle, type Logger } from '@pubsub-ingest/common';
import { loadLambdaConfig, type LambdaConfig } from '../config';
import { createIngestCore, isAcknowledgeable, type IngestCore } from '../ingest/ingest-core';
import { SubscriberMetrics } from '../metrics';
import { receivedMessageOf } from '../sqs/received-message';

export interface LambdaRuntime {
  database: DatabaseHandle;
  core: IngestCore;
  logger: Logger;
}

/** Connections and the ingest core of one Lambda instance, wired like the poller's. */
export function createLambdaRuntime(config: LambdaConfig, deps: { logger?: Logger } = {}): LambdaRuntime {
  const logger = deps.logger ?? createLogger('subscriber-lambda', config.LOG_LEVEL);
  const password = databasePasswordProvider(config);
  const database = createDatabase(config, { logger, applicationName: 'pubsub-ingest-lambda', ...(password ? { password } : {}) });
  const core = createIngestCore({
    db: database.db,
    batch: { maxBatch: config.BATCH_SIZE, lingerMs: config.BATCH_LINGER_MS, concurrency: config.DATABASE_POOL_SIZE },
    metrics: new SubscriberMetrics({ defaultMetrics: false }),
    logger,
  });
  return { database, core, logger };
}

/**
 * The SQS event-source transport of the ingest core. Messages it did not acknowledge are reported
 * in `batchItemFailures` (ReportBatchItemFailures), so Lambda retries only those, and the redrive
 * policy takes the dead letters to the DLQ.
 */
export async function ingestEvent({ core, logger }: LambdaRuntime, event: SQSEvent): Promise<SQSBatchResponse> {
  const records = event.Records ?? [];
  const outcomes = await core.ingest(records.map(receivedMessageOf));
  const batchItemFailures = records.filter((_, i) => !isAcknowledgeable(outcomes[i]!)).map((record) => ({ itemIdentifier: record.messageId }));
  logger.info({ received: records.length, failed: batchItemFailures.length }, 'batch ingested');
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
