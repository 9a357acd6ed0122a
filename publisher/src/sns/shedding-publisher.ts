import type { MessagePublisher, OutgoingMessage } from './outgoing-message';
import type { PublishMetrics } from './publish-metrics';

/** More messages wait for SNS than the service allows; the client should retry shortly. */
export class PublisherOverloadedError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} messages are waiting for SNS`);
    this.name = 'PublisherOverloadedError';
  }
}

/**
 * Bounds the messages waiting for SNS. Above the bound a request is refused at once (503 with
 * Retry-After) instead of queueing without limit while latency and memory grow.
 */
export class SheddingPublisher implements MessagePublisher {
  private waiting = 0;

  constructor(private readonly inner: MessagePublisher, private readonly maxInFlight: number, private readonly metrics: PublishMetrics) {
    metrics.waitingLimit.set(maxInFlight);
  }

  async publish(message: OutgoingMessage): Promise<void> {
    if (this.waiting >= this.maxInFlight) {
      this.metrics.count('shed');
      throw new PublisherOverloadedError(this.maxInFlight);
    }
    this.waiting++;
    this.metrics.waiting.inc();
    try {
      await this.inner.publish(message);
    } finally {
      this.waiting--;
      this.metrics.waiting.dec();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
