import { randomBytes } from 'node:crypto';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { awsClientConfig, provisionMessaging, type Messaging, type MessagingNames } from '@pubsub-ingest/local-stack';
import { receivedMessageOf } from '@pubsub-ingest/subscriber';
import { encodeMessage } from './messages';
import { stackEnv } from './stack-env';

export interface TestMessaging extends Messaging {
  sns: SNSClient;
  sqs: SQSClient;
  endpoint: string;
  topicName: string;
  /** Sends a message straight to the queue, as SNS raw delivery would. */
  sendRaw(body: string, attributes: Record<string, string>): Promise<void>;
  /** Publishes `count` distinct messages to the topic, 10 per call; returns their transaction ids. */
  publishMany(count: number): Promise<string[]>;
  /** Receives what is on a queue now (short poll, several rounds). */
  drain(queueUrl: string, rounds?: number): Promise<{ body: string; attributes: Record<string, string> }[]>;
  destroy(): void;
}

/** A topic, queue and dead-letter queue with unique names on the run's emulator. */
export async function createTestMessaging(overrides: Partial<MessagingNames> = {}): Promise<TestMessaging> {
  const endpoint = stackEnv('endpoint');
  const suffix = randomBytes(4).toString('hex');
  const sns = new SNSClient(awsClientConfig(endpoint));
  const sqs = new SQSClient(awsClientConfig(endpoint));
  const names: MessagingNames = {
    topic: `topic-${suffix}`,
    queue: `queue-${suffix}`,
    deadLetterQueue: `dlq-${suffix}`,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
    ...overrides,
  };
  const messaging = await provisionMessaging(sns, sqs, names);
  return {
    ...messaging,
    sns,
    sqs,
    endpoint,
    topicName: names.topic,
    sendRaw: async (body, attributes) => {
      const MessageAttributes: Record<string, MessageAttributeValue> = Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: messaging.queueUrl, MessageBody: body, MessageAttributes }));
    },
    publishMany: async (count) => {
      const ids: string[] = [];
      for (let start = 0; start < count; start += 10) {
        const batch = Array.from({ length: Math.min(10, count - start) }, (_, i) => encodeMessage({ n: start + i }, { topic: names.topic }));
        const result = await sns.send(
          new PublishBatchCommand({
            TopicArn: messaging.topicArn,
            PublishBatchRequestEntries: batch.map((m, i) => ({
              Id: String(i),
              Message: m.body,
              MessageAttributes: Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
            })),
          }),
        );
        if (result.Failed?.length) throw new Error(`publish failed: ${JSON.stringify(result.Failed)}`);
        ids.push(...batch.map((m) => m.transactionId));
      }
      return ids;
    },
    drain: async (queueUrl, rounds = 3) => {
      const seen: { body: string; attributes: Record<string, string> }[] = [];
      for (let i = 0; i < rounds; i++) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }),
        );
        for (const m of Messages) {
          const { body, attributes } = receivedMessageOf(m);
          seen.push({ body, attributes });
        }
      }
      return seen;
    },
    destroy: () => {
      sns.destroy();
      sqs.destroy();
    },
  };
}
