import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** The queue the subscriber reads and the dead-letter queue its redrive policy names. */
export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/** Finds the dead-letter queue through the queue's redrive policy, so operators name only the queue. */
export async function locateDeadLetterQueue(sqs: SQSClient, queueUrl: string): Promise<QueuePair> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }));
  const policy = Attributes?.RedrivePolicy ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }) : {};
  if (!Attributes?.QueueArn || !policy.deadLetterTargetArn) throw new Error(`queue ${queueUrl} has no redrive policy naming a dead-letter queue`);
  const [, , , , account, name] = policy.deadLetterTargetArn.split(':');
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name!, QueueOwnerAWSAccountId: account }));
  if (!QueueUrl) throw new Error(`dead-letter queue ${policy.deadLetterTargetArn} not found`);
  return { queueUrl, queueArn: Attributes.QueueArn, deadLetterQueueUrl: QueueUrl, deadLetterQueueArn: policy.deadLetterTargetArn };
}

export type DeadLetter = Message & { MessageId: string; ReceiptHandle: string };

/**
 * Receives every message of the dead-letter queue once, up to `limit`. Each stays invisible for
 * `holdSeconds`, long enough for the caller to look at it (and move it), then returns to the queue.
 */
export async function receiveAll(sqs: SQSClient, queueUrl: string, { limit, holdSeconds }: { limit: number; holdSeconds: number }): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  while (seen.size < limit) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, limit - seen.size),
        WaitTimeSeconds: 1,
        VisibilityTimeout: holdSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const fresh = Messages.filter((m): m is DeadLetter => !!m.MessageId && !!m.ReceiptHandle && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.MessageId, m);
  }
  return [...seen.values()];
}

/**
 * Moves one message back to the queue: sent again with its body and attributes, then deleted here.
 * A crash in between leaves a copy in both queues, which the primary key makes harmless.
 */
export async function moveBack(sqs: SQSClient, pair: QueuePair, message: DeadLetter): Promise<void> {
  const MessageAttributes: Record<string, MessageAttributeValue> = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, { DataType: value.DataType ?? 'String', StringValue: value.StringValue, BinaryValue: value.BinaryValue }]),
  );
  await sqs.send(new SendMessageCommand({ QueueUrl: pair.queueUrl, MessageBody: message.Body ?? '', MessageAttributes }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl: pair.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }));
}

/** Asks SQS to move every message back by itself; false where the API is not offered (emulators). */
export async function startMoveTask(sqs: SQSClient, pair: QueuePair): Promise<string | false> {
  try {
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: pair.deadLetterQueueArn, DestinationArn: pair.queueArn }));
    return TaskHandle ?? false;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && status >= 400 && status < 500 && (err as Error).name !== 'AccessDeniedException') return false;
    throw err;
  }
}

/** Makes looked-at messages visible again at once, so a `list` does not hide them from the next command. */
export async function release(sqs: SQSClient, queueUrl: string, messages: readonly DeadLetter[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })) }),
    );
  }
}
