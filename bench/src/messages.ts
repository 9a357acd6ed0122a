import { PublishBatchCommand, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { attributesOf, messageBodyOf, newTransactionId, SCHEMA_VERSION } from '@pubsub-ingest/common';
import { every, fmt, progress } from './progress';
import type { Stack } from './bench-stack';

/** A producer's request body, the same shape as the README's walk-through. */
export function sampleRequest(topic: string, n: number): { topic_arn: string; message: unknown; attributes: Record<string, string> } {
  return {
    topic_arn: topic,
    message: { sensor: `th-${n % 97}`, temperature: 18 + (n % 70) / 10, humidity: 40 + (n % 30), seq: n },
    attributes: { site: `plant-${n % 5}` },
  };
}

/** One message exactly as the publisher hands it to SNS: the body untouched, the contract in attributes. */
export function encodeForSns(topic: string, n: number): { transactionId: string; body: string; attributes: Record<string, MessageAttributeValue> } {
  const request = sampleRequest(topic, n);
  const transactionId = newTransactionId();
  const { body, contentType } = messageBodyOf(JSON.stringify(request.message), request.message);
  const pairs = attributesOf({ transactionId, topic, contentType, publishedAt: new Date(), schemaVersion: SCHEMA_VERSION }, Object.entries(request.attributes));
  const attributes: Record<string, MessageAttributeValue> = Object.fromEntries(pairs.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
  return { transactionId, body, attributes };
}

/** Publishes `count` messages to the topic (10 per PublishBatch, several calls in flight), so the queue holds them. */
export async function preloadQueue(stack: Stack, count: number, concurrency = 8): Promise<void> {
  let next = 0;
  let sent = 0;
  const started = Date.now();
  const stopTicking = every(3_000, () => progress.tick(`preloaded ${fmt.int(sent)}/${fmt.int(count)}`));
  const worker = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + 10);
      const entries = Array.from({ length: next - first }, (_, i) => {
        const m = encodeForSns(stack.topicName, first + i);
        return { Id: String(i), Message: m.body, MessageAttributes: m.attributes };
      });
      const result = await stack.sns.send(new PublishBatchCommand({ TopicArn: stack.messaging.topicArn, PublishBatchRequestEntries: entries }));
      if (result.Failed?.length) throw new Error(`preload: SNS refused ${result.Failed.length} entries: ${result.Failed[0]?.Code}`);
      sent += entries.length;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    stopTicking();
  }
  progress.done(`preloaded ${fmt.int(count)} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
