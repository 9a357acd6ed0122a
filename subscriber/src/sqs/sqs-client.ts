import { SQSClient } from '@aws-sdk/client-sqs';
import type { SubscriberConfig } from '../config';
import { SqsJsonClient } from './sqs-json-client';

const REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 2_000;

/** The production SQS client. A long poll holds its connection for up to 20 s, so the request timeout must exceed it. */
export function createSqsClient(config: Pick<SubscriberConfig, 'AWS_REGION' | 'AWS_ENDPOINT_URL'>): SQSClient {
  return new SQSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
}

/** The receive and delete calls of the poller, with the SDK client's credentials and the same endpoint choice. */
export function createQueueTransport(config: Pick<SubscriberConfig, 'AWS_REGION' | 'AWS_ENDPOINT_URL' | 'QUEUE_URL'>, sqs: SQSClient): SqsJsonClient {
  return new SqsJsonClient({
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL ?? new URL(config.QUEUE_URL).origin,
    credentials: () => sqs.config.credentials(),
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
  });
}
