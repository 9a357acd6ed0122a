import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { PublisherMetrics } from '../http/metrics';
import { isThrottling, PublishFailedError, snsAttributesOf, type MessagePublisher, type OutgoingMessage } from './outgoing-message';

/** One SNS Publish call per message. Simple, and the baseline the batching publisher is measured against. */
export class DirectPublisher implements MessagePublisher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly sns: SNSClient, private readonly metrics: PublisherMetrics) {}

  publish(message: OutgoingMessage): Promise<void> {
    const call = this.send(message);
    this.inFlight.add(call);
    void call.finally(() => this.inFlight.delete(call)).catch(() => undefined);
    return call;
  }

  private async send(message: OutgoingMessage): Promise<void> {
    try {
      await this.sns.send(
        new PublishCommand({ TopicArn: message.topicArn, Message: message.body, MessageAttributes: snsAttributesOf(message.attributes) }),
      );
      this.metrics.publishes.inc({ outcome: 'ok' });
      this.metrics.publishBatchSize.observe(1);
    } catch (err) {
      const throttled = isThrottling(err);
      this.metrics.publishes.inc({ outcome: throttled ? 'throttled' : 'failed' });
      throw new PublishFailedError(`SNS publish failed: ${(err as Error).name}: ${(err as Error).message}`, throttled, { cause: err });
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
