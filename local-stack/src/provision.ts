import { CreateTopicCommand, SetSubscriptionAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface MessagingNames {
  topic: string;
  queue: string;
  deadLetterQueue: string;
  /** Receives before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

export interface Messaging {
  topicArn: string;
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
}

export const DEFAULT_NAMES: MessagingNames = {
  topic: 'data-ingestion-topic',
  queue: 'data-ingestion-queue',
  deadLetterQueue: 'data-ingestion-dlq',
  maxReceiveCount: 5,
  visibilityTimeoutSeconds: 30,
};

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!Attributes?.QueueArn) throw new Error(`queue ${queueUrl} has no ARN`);
  return Attributes.QueueArn;
}

/**
 * Creates the topology Terraform builds on AWS, through the same APIs: topic, queue with a
 * dead-letter queue and redrive policy, and a raw-delivery subscription. Every call is idempotent.
 */
export async function provisionMessaging(sns: SNSClient, sqs: SQSClient, names: MessagingNames = DEFAULT_NAMES): Promise<Messaging> {
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: names.topic }));
  const { QueueUrl: deadLetterQueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: names.deadLetterQueue, Attributes: { MessageRetentionPeriod: '1209600' } }),
  );
  if (!topicArn || !deadLetterQueueUrl) throw new Error('the emulator did not return the topic or the dead-letter queue');
  const deadLetterArn = await queueArnOf(sqs, deadLetterQueueUrl);
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        ReceiveMessageWaitTimeSeconds: '20',
        VisibilityTimeout: String(names.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: names.maxReceiveCount }),
      },
    }),
  );
  if (!queueUrl) throw new Error('the emulator did not return the queue');
  const queueArn = await queueArnOf(sqs, queueUrl);
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, ReturnSubscriptionArn: true }),
  );
  if (!SubscriptionArn) throw new Error('the emulator did not return the subscription');
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
  return { topicArn, queueUrl, queueArn, deadLetterQueueUrl };
}
