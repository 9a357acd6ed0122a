import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import { PUBLISH_BATCH_MAX_ENTRIES, SNS_MAX_MESSAGE_BYTES, type Logger } from '@pubsub-ingest/common';
import type { PublisherMetrics } from '../http/metrics';
import { isThrottling, PublishFailedError, snsAttributesOf, snsSizeOf, type MessagePublisher, type OutgoingMessage } from './outgoing-message';

interface Entry {
  message: OutgoingMessage;
  size: number;
  attempt: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const THROTTLING_ENTRY_CODES = new Set(['Throttling', 'ThrottlingException', 'Throttled']);
/** An entry SNS failed for its own reasons (not the sender's) is sent once more in a later batch. */
const MAX_ENTRY_ATTEMPTS = 2;

/**
 * Coalesces concurrent publishes into SNS PublishBatch calls: at most 10 entries and 256 KiB per
 * call, per topic. A message sent while no call to its topic is in flight goes out at once, so a
 * lone request pays no linger; while calls are in flight, messages gather for up to `lingerMs` or
 * until a batch is full. Each caller's promise settles with its own entry, because PublishBatch
 * reports failures per entry inside an HTTP 200.
 */
export class BatchingPublisher implements MessagePublisher {
  private readonly pending = new Map<string, Entry[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly calls = new Set<Promise<void>>();
  private readonly callsPerTopic = new Map<string, number>();

  constructor(
    private readonly sns: SNSClient,
    private readonly metrics: PublisherMetrics,
    private readonly lingerMs: number,
    private readonly logger: Logger,
  ) {}

  publish(message: OutgoingMessage): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ message, size: snsSizeOf(message), attempt: 1, resolve, reject }));
  }

  async close(): Promise<void> {
    for (const topicArn of [...this.pending.keys()]) this.flush(topicArn);
    while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
  }

  private enqueue(entry: Entry): void {
    const topicArn = entry.message.topicArn;
    const queue = this.pending.get(topicArn) ?? [];
    queue.push(entry);
    this.pending.set(topicArn, queue);
    const idle = (this.callsPerTopic.get(topicArn) ?? 0) === 0;
    if (idle || queue.length >= PUBLISH_BATCH_MAX_ENTRIES || totalSize(queue) >= SNS_MAX_MESSAGE_BYTES) {
      this.flush(topicArn);
    } else if (!this.timers.has(topicArn)) {
      this.timers.set(topicArn, setTimeout(() => this.flush(topicArn), this.lingerMs));
    }
  }

  private flush(topicArn: string): void {
    clearTimeout(this.timers.get(topicArn));
    this.timers.delete(topicArn);
    const queue = this.pending.get(topicArn) ?? [];
    this.pending.delete(topicArn);
    while (queue.length > 0) this.track(topicArn, this.send(topicArn, takeBatch(queue)));
  }

  private track(topicArn: string, call: Promise<void>): void {
    this.calls.add(call);
    this.callsPerTopic.set(topicArn, (this.callsPerTopic.get(topicArn) ?? 0) + 1);
    void call.finally(() => {
      this.calls.delete(call);
      this.callsPerTopic.set(topicArn, this.callsPerTopic.get(topicArn)! - 1);
    });
  }

  private async send(topicArn: string, batch: Entry[]): Promise<void> {
    this.metrics.publishBatchSize.observe(batch.length);
    const entries: PublishBatchRequestEntry[] = batch.map((e, i) => ({
      Id: String(i),
      Message: e.message.body,
      MessageAttributes: snsAttributesOf(e.message.attributes),
    }));
    let result;
    try {
      result = await this.sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
    } catch (err) {
      const throttled = isThrottling(err);
      this.metrics.publishes.inc({ outcome: throttled ? 'throttled' : 'failed' }, batch.length);
      const error = new PublishFailedError(`SNS PublishBatch failed: ${(err as Error).name}: ${(err as Error).message}`, throttled, { cause: err });
      for (const e of batch) e.reject(error);
      return;
    }
    const failed = new Map((result.Failed ?? []).map((f) => [f.Id, f]));
    batch.forEach((entry, i) => {
      const failure = failed.get(String(i));
      if (!failure) {
        this.metrics.publishes.inc({ outcome: 'ok' });
        entry.resolve();
        return;
      }
      if (!failure.SenderFault && entry.attempt < MAX_ENTRY_ATTEMPTS) {
        this.enqueue({ ...entry, attempt: entry.attempt + 1 });
        return;
      }
      const throttled = THROTTLING_ENTRY_CODES.has(failure.Code ?? '');
      this.metrics.publishes.inc({ outcome: throttled ? 'throttled' : 'failed' });
      this.logger.warn({ code: failure.Code, senderFault: failure.SenderFault, message: failure.Message }, 'SNS refused a batch entry');
      entry.reject(new PublishFailedError(`SNS refused the message: ${failure.Code}: ${failure.Message}`, throttled));
    });
  }
}

function totalSize(entries: Entry[]): number {
  return entries.reduce((sum, e) => sum + e.size, 0);
}

/** Takes the longest prefix that fits one PublishBatch call (10 entries, 256 KiB in total). */
function takeBatch(queue: Entry[]): Entry[] {
  let size = 0;
  let count = 0;
  while (count < queue.length && count < PUBLISH_BATCH_MAX_ENTRIES && (count === 0 || size + queue[count]!.size <= SNS_MAX_MESSAGE_BYTES)) {
    size += queue[count]!.size;
    count++;
  }
  return queue.splice(0, count);
}
