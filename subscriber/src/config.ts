import { databaseEnv, envVar, readEnv, SQS_MAX_WAIT_SECONDS, SQS_RECEIVE_MAX_MESSAGES } from '@pubsub-ingest/common';
import { z } from 'zod';

export const subscriberEnv = z.object({
  LOG_LEVEL: envVar.logLevel(),
  AWS_REGION: z.string().min(1),
  AWS_ENDPOINT_URL: envVar.url().optional(),
  QUEUE_URL: envVar.url(),
  POLLERS: envVar.positiveInt(4, 64),
  RECEIVE_WAIT_SECONDS: envVar.nonNegativeInt(SQS_MAX_WAIT_SECONDS, SQS_MAX_WAIT_SECONDS),
  RECEIVE_MAX_MESSAGES: envVar.positiveInt(SQS_RECEIVE_MAX_MESSAGES, SQS_RECEIVE_MAX_MESSAGES),
  VISIBILITY_TIMEOUT_SECONDS: envVar.positiveInt(30, 43_200),
  BATCH_SIZE: envVar.positiveInt(500, 5_000),
  BATCH_LINGER_MS: envVar.nonNegativeInt(20, 1_000),
  MAX_IN_FLIGHT_MESSAGES: envVar.positiveInt(2_000, 100_000),
  HEALTH_HOST: z.string().default('127.0.0.1'),
  HEALTH_PORT: envVar.port(8081),
  SHUTDOWN_TIMEOUT_MS: envVar.positiveInt(25_000),
  DATABASE_SECRET_ARN: z.string().startsWith('arn:', 'expected a Secrets Manager secret ARN').optional(),
  ...databaseEnv,
});

export type SubscriberConfig = z.output<typeof subscriberEnv>;

export function loadConfig(env: Record<string, string | undefined> = process.env): SubscriberConfig {
  return readEnv(subscriberEnv, env);
}
