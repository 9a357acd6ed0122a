import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDatabase, createLogger, databaseEnv, envVar, migrateToLatest, readEnv, type Database, type Logger, type QueuedMessage } from '@pubsub-ingest/common';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { secretPasswordProvider } from '../database-password';
import { ingestMessages, isAcknowledgeable } from '../ingest/ingest-core';

const lambdaEnv = z.object({
  LOG_LEVEL: envVar.logLevel(),
  AWS_REGION: z.string().min(1),
  DATABASE_SECRET_ARN: z.string().startsWith('arn:').optional(),
  ...databaseEnv,
  DATABASE_POOL_SIZE: envVar.positiveInt(2, 10),
});

function queuedMessageOfRecord(record: SQSRecord): QueuedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
  }
  return { body: record.body, attributes };
}

/**
 * The SQS event-source handler over the same ingest core as the poller. Messages it could not
 * store are reported in `batchItemFailures` (ReportBatchItemFailures), so Lambda retries only
 * those, and the redrive policy takes the poison ones to the DLQ.
 */
export function createHandler({ db, logger }: { db: Kysely<Database>; logger: Logger }) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const records = event.Records ?? [];
    const outcomes = await ingestMessages(db, records.map(queuedMessageOfRecord));
    const batchItemFailures = records
      .filter((record, i) => {
        const outcome = outcomes[i]!;
        if (isAcknowledgeable(outcome)) return false;
        logger.warn({ messageId: record.messageId, outcome: outcome.status, reason: 'reason' in outcome ? outcome.reason : undefined }, 'message not stored');
        return true;
      })
      .map((record) => ({ itemIdentifier: record.messageId }));
    logger.info({ received: records.length, failed: batchItemFailures.length }, 'batch ingested');
    return { batchItemFailures };
  };
}

let runtime: { db: Kysely<Database>; logger: Logger; ingest: ReturnType<typeof createHandler> } | undefined;

/** Connections are created on the first invocation and reused while the function stays warm. */
function runtimeOnce() {
  if (!runtime) {
    const config = readEnv(lambdaEnv);
    const logger = createLogger('subscriber-lambda', config.LOG_LEVEL);
    const password = config.DATABASE_SECRET_ARN ? secretPasswordProvider(config.DATABASE_SECRET_ARN, config.AWS_REGION) : undefined;
    const { db } = createDatabase(config, { logger, applicationName: 'pubsub-ingest-lambda', ...(password ? { password } : {}) });
    runtime = { db, logger, ingest: createHandler({ db, logger }) };
  }
  return runtime;
}

/** Applies pending migrations with the function's own database settings. */
export async function migrate(): Promise<string[]> {
  const { db, logger } = runtimeOnce();
  const applied = await migrateToLatest(db);
  logger.info({ applied }, 'migrations applied');
  return applied;
}

/**
 * The Lambda entry point. An SQS event is ingested; `{"action": "migrate"}` (a manual or deploy-time
 * invocation) applies the migrations, for deployments without the Helm migration Job.
 */
export async function handler(event: SQSEvent | { action: 'migrate' }): Promise<SQSBatchResponse | { applied: string[] }> {
  if ('action' in event && event.action === 'migrate') return { applied: await migrate() };
  return runtimeOnce().ingest(event as SQSEvent);
}
