import type { Logger, Tracing } from '@pubsub-ingest/common';
import type { PublisherConfig } from '../config';
import { BatchingPublisher } from './batching-publisher';
import { DirectPublisher } from './direct-publisher';
import type { MessagePublisher } from './outgoing-message';
import type { PublishMetrics } from './publish-metrics';
import { SheddingPublisher } from './shedding-publisher';
import type { SnsGateway } from './sns-client';

/** The publisher the configuration asks for: batched (default) or one call per message, always bounded. */
export function createSnsPublisher(
  config: Pick<PublisherConfig, 'PUBLISH_BATCHING' | 'PUBLISH_LINGER_MS' | 'PUBLISH_MAX_IN_FLIGHT'>,
  sns: SnsGateway,
  metrics: PublishMetrics,
  logger: Logger,
  tracing: Tracing,
): MessagePublisher {
  const inner = config.PUBLISH_BATCHING ? new BatchingPublisher(sns, metrics, config.PUBLISH_LINGER_MS, logger, tracing) : new DirectPublisher(sns, metrics, tracing);
  return new SheddingPublisher(inner, config.PUBLISH_MAX_IN_FLIGHT, metrics);
}
