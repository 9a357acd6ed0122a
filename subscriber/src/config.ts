import { awsEnv, databaseEnv, envVar, loggingEnv, readEnv, tracingEnv, SQS_MAX_WAIT_SECONDS, SQS_RECEIVE_MAX_MESSAGES } from '@pubsub-ingest/common';
import { z } from 'zod';

type Env = Record<string, string | undefined>;

/** The statement batching shared by the poller and the Lambda. */
const batchEnv = {
  BATCH_SIZE: envVar.positiveInt(500, 5_000),
  BATCH_LINGER_MS: envVar.nonNegativeInt(20, 1_000),
};

/** The long-polling subscriber process. */
export const subscriberEnv = z.object({
  ...loggingEnv,
  ...tracingEnv,
  ...awsEnv,
  QUEUE_URL: envVar.url(),
  POLLERS: envVar.positiveInt(4, 64),
  RECEIVE_WAIT_SECONDS: envVar.nonNegativeInt(SQS_MAX_WAIT_SECONDS, SQS_MAX_WAIT_SECONDS),
  RECEIVE_MAX_MESSAGES: envVar.positiveInt(SQS_RECEIVE_MAX_MESSAGES, SQS_RECEIVE_MAX_MESSAGES),
  VISIBILITY_TIMEOUT_SECONDS: envVar.positiveInt(30, 43_200),
  ...batchEnv,
  MAX_IN_FLIGHT_MESSAGES: envVar.positiveInt(2_000, 100_000),
  HEALTH_HOST: z.string().default('127.0.0.1'),
  HEALTH_PORT: envVar.port(8081),
  SHUTDOWN_TIMEOUT_MS: envVar.positiveInt(25_000),
  ...databaseEnv,
});
export type SubscriberConfig = z.output<typeof subscriberEnv>;

/** The Lambda handler: the same store, fewer connections (one invocation at a time per instance), no linger. */
export const lambdaEnv = z.object({
  ...loggingEnv,
  ...tracingEnv,
  ...awsEnv,
  ...databaseEnv,
  ...batchEnv,
  BATCH_LINGER_MS: envVar.nonNegativeInt(0, 1_000),
  DATABASE_POOL_SIZE: envVar.positiveInt(2, 10),
  /** The queue's name in spans. */
  QUEUE_NAME: z.string().min(1).default('ingest'),
  /** CloudWatch namespace of the Embedded Metric Format lines. */
  METRICS_NAMESPACE: z.string().min(1).max(255).default('PubsubIngest'),
});
export type LambdaConfig = z.output<typeof lambdaEnv>;

/** `npm run dlq`: the queue and its dead-letter queue, and the database to check messages against. */
export const dlqEnv = z.object({
  ...loggingEnv,
  ...awsEnv,
  QUEUE_URL: envVar.url(),
  ...databaseEnv,
  DATABASE_POOL_SIZE: envVar.positiveInt(1, 10),
});
export type DlqConfig = z.output<typeof dlqEnv>;

export const loadConfig = (env: Env = process.env): SubscriberConfig => readEnv(subscriberEnv, env);
export const loadLambdaConfig = (env: Env = process.env): LambdaConfig => readEnv(lambdaEnv, env);
export const loadDlqConfig = (env: Env = process.env): DlqConfig => readEnv(dlqEnv, env);
