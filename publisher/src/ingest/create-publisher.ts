import type { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@pubsub-ingest/common';
import type { PublisherConfig } from '../config';
import type { PublisherMetrics } from '../http/metrics';
import { DirectPublisher } from './direct-publisher';
import type { MessagePublisher } from './outgoing-message';

export function createPublisher(
  _config: Pick<PublisherConfig, 'PUBLISH_BATCHING' | 'PUBLISH_LINGER_MS' | 'PUBLISH_MAX_IN_FLIGHT'>,
  sns: SNSClient,
  metrics: PublisherMetrics,
  _logger: Logger,
): MessagePublisher {
  return new DirectPublisher(sns, metrics);
}
