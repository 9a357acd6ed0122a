import { SQSClient } from '@aws-sdk/client-sqs';
import type { SubscriberConfig } from '../config';

/** The production SQS client. A long poll holds its connection for up to 20 s, so the request timeout must exceed it. */
export function createSqsClient(config: Pick<SubscriberConfig, 'AWS_REGION' | 'AWS_ENDPOINT_URL'>): SQSClient {
  return new SQSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 2_000 },
  });
}
