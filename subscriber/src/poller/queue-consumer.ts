import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Logger } from '@pubsub-ingest/common';
import { isAcknowledgeable, type IngestCore, type IngestOutcome, type ReceivedMessage } from '../ingest/ingest-core';
import type { MessageTracing } from '../ingest/message-tracing';
import type { SubscriberMetrics } from '../metrics';
import { deleteMessages } from '../sqs/delete-messages';
import { receivedMessageOf } from '../sqs/received-message';
import type { QueueTransport } from '../sqs/sqs-json-client';
import { VisibilityKeeper } from './visibility-keeper';

export interface QueueConsumerOptions {
  queueUrl: string;
  /** Concurrent long-polls. */
  pollers: number;
  /** Seconds a ReceiveMessage waits for messages (20 is the SQS maximum and the cheapest). */
  waitSeconds: number;
  /** Messages per ReceiveMessage (at most 10). */
  maxMessages: number;
  /** Seconds a received message stays invisible; extended while it waits. */
  visibilityTimeoutSeconds: number;
  /** Received and unacknowledged messages at most; pollers pause above it (backpressure). */
  maxInFlight: number;
}

/** A received message while this consumer holds it: what SQS needs to settle it, and what the core reads. */
interface HeldMessage {
  MessageId: string;
  ReceiptHandle: string;
  received: ReceivedMessage;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * The SQS transport of the ingest core: long-polls the queue with several pollers, hands what it
 * receives to the core, and acknowledges. A message is deleted only after the statement that
 * stored it committed; dead letters stay for the redrive; while the database is down, messages
 * are held (visibility extended) and retried, and polling pauses.
 */
export class QueueConsumer {
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly groups = new Set<Promise<void>>();
  private readonly keeper: VisibilityKeeper;
  private inFlight = 0;
  private capacityWaiters: (() => void)[] = [];
  private databaseFailures = 0;
  private pollers: Promise<void>[] = [];

  constructor(
    sqs: SQSClient,
    private readonly transport: QueueTransport,
    private readonly core: IngestCore,
    private readonly options: QueueConsumerOptions,
    private readonly metrics: SubscriberMetrics,
    private readonly logger: Logger,
    private readonly tracing: MessageTracing,
  ) {
    metrics.inFlightLimit.set(options.maxInFlight);
    this.keeper = new VisibilityKeeper(sqs, options.queueUrl, options.visibilityTimeoutSeconds, logger, () =>
      metrics.sqsErrors.inc({ operation: 'ChangeMessageVisibilityBatch' }),
    );
  }

  start(): void {
    this.pollers = Array.from({ length: this.options.pollers }, (_, i) => this.poll(i));
  }

  get running(): boolean {
    return this.pollers.length > 0 && !this.stopping;
  }

  /** Stops polling, finishes and acknowledges every message held, then resolves. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.abort.abort();
    this.releaseCapacityWaiters();
    await Promise.allSettled(this.pollers);
    while (this.groups.size > 0) await Promise.allSettled([...this.groups]);
    this.keeper.stop();
  }

  private async poll(poller: number): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      await this.waitForCapacity();
      if (this.databaseFailures > 0) await this.sleep(backoff(this.databaseFailures));
      if (this.stopping) break;
      let messages: Message[];
      const receivedAt = Date.now();
      try {
        messages = await this.transport.receive(
          {
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: this.options.maxMessages,
            WaitTimeSeconds: this.options.waitSeconds,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          },
          this.abort.signal,
        );
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        failures++;
        this.metrics.sqsErrors.inc({ operation: 'ReceiveMessage' });
        this.logger.warn({ err, poller, failures }, 'receive failed; backing off');
        await this.sleep(backoff(failures));
        continue;
      }
      if (messages.length === 0) continue;
      this.metrics.received.inc(messages.length);
      const receive = this.tracing.receive('ReceiveMessage', receivedAt, messages.length);
      const arrivedAt = Date.now();
      const held = messages
        .filter((m) => !!m.ReceiptHandle && !!m.MessageId)
        .map((m): HeldMessage => {
          const received = receivedMessageOf(m);
          received.span = this.tracing.process(received, receive, arrivedAt);
          return { MessageId: m.MessageId!, ReceiptHandle: m.ReceiptHandle!, received };
        });
      receive?.end();
      if (held.length > 0) this.track(this.handle(held));
    }
  }

  private track(group: Promise<void>): void {
    // The ingest core never throws; should a bug make it, the messages are released for redelivery, and the process lives on.
    const guarded = group.catch((err: unknown) => this.logger.error({ err }, 'handling received messages failed; they will be redelivered'));
    this.groups.add(guarded);
    void guarded.finally(() => this.groups.delete(guarded));
  }

  /** Ingests until every message is acknowledged or left for the redrive, or shutdown gives up on the rest (they are redelivered). */
  private async handle(held: HeldMessage[]): Promise<void> {
    this.changeInFlight(held.length);
    this.keeper.hold(held.map((m) => ({ id: m.MessageId, receiptHandle: m.ReceiptHandle })));
    let pending = held;
    try {
      for (let attempt = 1; pending.length > 0; attempt++) {
        const outcomes = await this.core.ingest(pending.map((m) => m.received));
        const retry = pending.filter((_, i) => outcomes[i]!.status === 'retry');
        await this.acknowledge(pending.filter((_, i) => isAcknowledgeable(outcomes[i]!)));
        this.release(pending.filter((_, i) => outcomes[i]!.status !== 'retry'));
        if (this.tracing.enabled) {
          pending.forEach((m, i) => {
            const outcome = outcomes[i]!;
            if (outcome.status === 'retry') m.received.span?.addEvent('retry', { reason: outcome.reason, attempt });
          });
        }

        if (retry.length === 0) {
          if (this.databaseFailures > 0 && this.capacityWaiters.length === 0) this.metrics.backpressure.set(0);
          this.databaseFailures = 0;
          return;
        }
        this.databaseFailures = Math.max(this.databaseFailures, attempt);
        this.metrics.backpressure.set(1);
        const reason = (outcomes.find((o) => o.status === 'retry') as Extract<IngestOutcome, { status: 'retry' }>).reason;
        if (this.stopping) {
          this.logger.warn({ count: retry.length, reason }, 'database unavailable at shutdown; messages left for redelivery');
          endSpans(retry, `left for redelivery: ${reason}`);
          return;
        }
        this.logger.warn({ count: retry.length, attempt, reason }, 'database unavailable; holding messages and retrying');
        await this.sleep(backoff(attempt));
        pending = retry;
      }
    } finally {
      this.release(pending);
    }
  }

  private async acknowledge(messages: HeldMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const receiptHandles = messages.map((m) => m.ReceiptHandle);
    const started = Date.now();
    let failure: string | undefined;
    try {
      const failed = await deleteMessages(this.transport, this.options.queueUrl, receiptHandles);
      this.metrics.deleted.inc(receiptHandles.length - failed.length);
      if (failed.length > 0) {
        failure = `${failed.length} of ${receiptHandles.length} deletes failed`;
        this.metrics.sqsErrors.inc({ operation: 'DeleteMessageBatch' }, failed.length);
        this.logger.warn({ failed }, 'stored messages could not be deleted; their redelivery will be recognised as duplicates');
      }
    } catch (err) {
      failure = (err as Error).message;
      this.metrics.sqsErrors.inc({ operation: 'DeleteMessageBatch' });
      this.logger.warn({ err, count: receiptHandles.length }, 'delete failed; stored messages will be redelivered and recognised as duplicates');
    }
    this.tracing.step(
      messages.map((m) => m.received.span),
      'DeleteMessageBatch',
      started,
      Date.now(),
      { 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'settle', 'messaging.batch.message_count': receiptHandles.length },
      failure,
    );
  }

  /** Stops holding messages (each once): acknowledged, left for the redrive, or abandoned at shutdown; their process spans end. */
  private release(messages: HeldMessage[]): void {
    const held = messages.filter((m) => this.keeper.isHeld(m.ReceiptHandle));
    this.keeper.release(held.map((m) => m.ReceiptHandle));
    endSpans(held);
    this.changeInFlight(-held.length);
  }

  private changeInFlight(delta: number): void {
    this.inFlight += delta;
    this.metrics.inFlight.set(this.inFlight);
    if (this.inFlight < this.options.maxInFlight) this.releaseCapacityWaiters();
  }

  private waitForCapacity(): Promise<void> {
    if (this.inFlight < this.options.maxInFlight || this.stopping) return Promise.resolve();
    this.metrics.backpressure.set(1);
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  private releaseCapacityWaiters(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    if (waiters.length > 0 && this.databaseFailures === 0) this.metrics.backpressure.set(0);
    for (const resolve of waiters) resolve();
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
    } catch {
      // aborted by stop()
    }
  }
}

/** Ends the process spans of messages this consumer is done with (an error status when given a reason). */
function endSpans(messages: readonly HeldMessage[], error?: string): void {
  for (const { received } of messages) {
    const span: Span | undefined = received.span;
    if (!span) continue;
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end();
    received.span = undefined;
  }
}

/** Exponential backoff with full jitter, 100 ms doubling up to 5 s. */
function backoff(attempt: number): number {
  return Math.random() * Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(attempt, 10));
}
