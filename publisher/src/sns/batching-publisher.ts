import type { PublishBatchRequestEntry, PublishBatchResultEntry, BatchResultErrorEntry } from '@aws-sdk/client-sns';
import { SpanKind, type Link } from '@opentelemetry/api';
import { endWithError, PUBLISH_BATCH_MAX_ENTRIES, SNS_MAX_MESSAGE_BYTES, type Logger, type Tracing } from '@pubsub-ingest/common';
import {
  isClientSideError,
  isMessageFault,
  isMessageFaultCode,
  isSendable,
  isThrottling,
  isThrottlingCode,
  PublishFailedError,
  PublishRejectedError,
  snsAttributesOf,
  snsSizeOf,
  type MessagePublisher,
  type OutgoingMessage,
} from './outgoing-message';
import type { PublishMetrics } from './publish-metrics';
import type { SnsGateway } from './sns-client';

interface Entry {
  message: OutgoingMessage;
  size: number;
  attempt: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** An entry SNS failed for its own reasons (not the sender's), or left out of its reply, is sent once more. */
const MAX_ENTRY_ATTEMPTS = 2;

/**
 * Coalesces concurrent publishes into SNS PublishBatch calls: at most 10 entries and 256 KiB per
 * call, per topic. A message sent while no call to its topic is in flight goes out at once, so a
 * lone request pays no linger; while calls are in flight, messages gather for up to `lingerMs` or
 * until a batch is full.
 *
 * Each caller's promise settles with its own entry, and one entry can never decide another's
 * fate: an entry counts as published only when the reply lists it as successful with a message
 * id; when a whole call fails because of what it carried, or the SDK fails to encode it, every
 * entry is sent again on its own, so only the request that caused the failure sees it.
 */
export class BatchingPublisher implements MessagePublisher {
  private readonly pending = new Map<string, Entry[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly calls = new Set<Promise<void>>();
  private readonly callsPerTopic = new Map<string, number>();

  constructor(
    private readonly sns: SnsGateway,
    private readonly metrics: PublishMetrics,
    private readonly lingerMs: number,
    private readonly logger: Logger,
    private readonly tracing: Tracing,
  ) {}

  publish(message: OutgoingMessage): Promise<void> {
    if (!isSendable(message)) return Promise.reject(new PublishRejectedError('the message holds characters SNS cannot carry'));
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
    this.metrics.batchSize.observe(batch.length);
    const entries: PublishBatchRequestEntry[] = batch.map((e, i) => ({
      Id: String(i),
      Message: e.message.body,
      MessageAttributes: snsAttributesOf(e.message.attributes),
    }));
    // One call carries several requests' messages: its span stands on its own and links to each message's producer span.
    const span = this.tracing.enabled
      ? this.tracing.tracer.startSpan('PublishBatch', {
          kind: SpanKind.CLIENT,
          root: true,
          links: batch.flatMap((e): Link[] => (e.message.span ? [{ context: e.message.span }] : [])),
          attributes: { 'messaging.system': 'aws_sns', 'messaging.operation.type': 'send', 'messaging.batch.message_count': batch.length, 'ingest.attempt': Math.max(...batch.map((e) => e.attempt)) },
        })
      : undefined;
    const stop = this.metrics.duration.startTimer({ operation: 'PublishBatch' });
    let result;
    try {
      result = await this.sns.publishBatch({ TopicArn: topicArn, PublishBatchRequestEntries: entries });
    } catch (err) {
      stop();
      endWithError(span, err);
      this.failCall(topicArn, batch, err);
      return;
    }
    stop();
    span?.setAttribute('ingest.failed_entries', result.Failed?.length ?? 0);
    span?.end();
    const successful = new Map((result.Successful ?? []).map((s): [string | undefined, PublishBatchResultEntry] => [s.Id, s]));
    const failed = new Map((result.Failed ?? []).map((f): [string | undefined, BatchResultErrorEntry] => [f.Id, f]));
    batch.forEach((entry, i) => {
      const id = String(i);
      const failure = failed.get(id);
      if (!failure && successful.get(id)?.MessageId) {
        this.metrics.count('ok');
        entry.resolve();
      } else if (failure?.SenderFault && isMessageFaultCode(failure.Code)) {
        this.metrics.count('rejected');
        this.logger.warn({ code: failure.Code, message: failure.Message }, 'SNS refused a message');
        entry.reject(new PublishRejectedError(`SNS refused the message: ${failure.Code}: ${failure.Message}`));
      } else if (!failure?.SenderFault && entry.attempt < MAX_ENTRY_ATTEMPTS) {
        this.enqueue({ ...entry, attempt: entry.attempt + 1 });
      } else {
        const throttled = isThrottlingCode(failure?.Code);
        this.metrics.count(throttled ? 'throttled' : 'failed');
        const reason = failure ? `${failure.Code}: ${failure.Message}` : 'the reply listed the entry neither as successful nor as failed';
        this.logger.warn({ code: failure?.Code, senderFault: failure?.SenderFault, reason }, 'SNS did not take a batch entry');
        entry.reject(new PublishFailedError(`SNS did not take the message: ${reason}`, throttled));
      }
    });
  }

  /** The whole call failed. What the call carried is to blame only for encoding errors and message faults. */
  private failCall(topicArn: string, batch: Entry[], err: unknown): void {
    const blamesContent = isClientSideError(err) || isMessageFault(err);
    if (blamesContent && batch.length > 1) {
      // Each entry alone: the one at fault fails by itself, the others go through.
      for (const entry of batch) this.track(topicArn, this.send(topicArn, [entry]));
      return;
    }
    const e = err as Error;
    if (blamesContent) {
      this.metrics.count('rejected');
      const what = isClientSideError(err) ? 'the message could not be encoded for SNS' : 'SNS refused the message';
      this.logger.warn({ err }, what);
      batch[0]!.reject(new PublishRejectedError(`${what}: ${e.name}: ${e.message}`, { cause: err }));
      return;
    }
    const throttled = isThrottling(err);
    this.metrics.count(throttled ? 'throttled' : 'failed', batch.length);
    const error = new PublishFailedError(`SNS PublishBatch failed: ${e.name}: ${e.message}`, throttled, { cause: err });
    for (const entry of batch) entry.reject(error);
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
