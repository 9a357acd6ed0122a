import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { endWithError, type Tracing } from '@pubsub-ingest/common';
import { isSendable, publishErrorOf, PublishRejectedError, snsAttributesOf, type MessagePublisher, type OutgoingMessage } from './outgoing-message';
import type { PublishMetrics } from './publish-metrics';
import type { SnsGateway } from './sns-client';

/** One SNS Publish call per message. Simple, and the baseline the batching publisher is measured against. */
export class DirectPublisher implements MessagePublisher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly sns: SnsGateway, private readonly metrics: PublishMetrics, private readonly tracing: Tracing) {}

  publish(message: OutgoingMessage): Promise<void> {
    const call = this.send(message);
    this.inFlight.add(call);
    void call.finally(() => this.inFlight.delete(call)).catch(() => undefined);
    return call;
  }

  private async send(message: OutgoingMessage): Promise<void> {
    if (!isSendable(message)) throw new PublishRejectedError('the message holds characters SNS cannot carry');
    this.metrics.batchSize.observe(1);
    const span = this.tracing.enabled
      ? this.tracing.tracer.startSpan(
          'Publish',
          { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'aws_sns', 'messaging.operation.type': 'send' } },
          message.span ? trace.setSpanContext(ROOT_CONTEXT, message.span) : ROOT_CONTEXT,
        )
      : undefined;
    const stop = this.metrics.duration.startTimer({ operation: 'Publish' });
    let result;
    try {
      result = await this.sns.publish({ TopicArn: message.topicArn, Message: message.body, MessageAttributes: snsAttributesOf(message.attributes) });
      stop();
      span?.end();
    } catch (err) {
      stop();
      endWithError(span, err);
      const error = publishErrorOf(err, 'Publish');
      this.metrics.count(error instanceof PublishRejectedError ? 'rejected' : error.throttled ? 'throttled' : 'failed');
      throw error;
    }
    if (!result.MessageId) {
      this.metrics.count('failed');
      throw publishErrorOf(new Error('SNS answered without a message id'), 'Publish');
    }
    this.metrics.count('ok');
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
