import type { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@pubsub-ingest/common';
import type { PublisherConfig } from '../config';
import type { PublisherMetrics } from '../http/metrics';
import { BatchingPublisher } from './batching-publisher';
import { DirectPublisher } from './direct-publisher';
import type { MessagePublisher } from './outgoing-message';
import { SheddingPublisher } from './shedding-publisher';

/** The publisher the configuration asks for: batched (default) or one call per message, always bounded. */
export function createPublisher(
  config: Pick<PublisherConfig, 'PUBLISH_BATCHING' | 'PUBLISH_LINGER_MS' | 'PUBLISH_MAX_IN_FLIGHT'>,
  sns: SNSClient,
  metrics: PublisherMetrics,
  logger: Logger,
): MessagePublisher {
  const inner = config.PUBLISH_BATCHING
    ? new BatchingPublisher(sns, metrics, config.PUBLISH_LINGER_MS, logger.child({ module: 'sns' }))
    : new DirectPublisher(sns, metrics);
  return new SheddingPublisher(inner, config.PUBLISH_MAX_IN_FLIGHT, metrics);
}
