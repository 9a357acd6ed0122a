import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestOutcome } from './ingest/ingest-core';

/** What the ingest core reports, whichever transport runs it (Prometheus in the poller, CloudWatch EMF in the Lambda). */
export interface IngestMetrics {
  /** The outcomes of one ingest call. */
  record(outcomes: readonly IngestOutcome[], now?: number): void;
  /** One database statement: how many messages it carried and how long it took. */
  statement(size: number, seconds: number): void;
}

export const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The label value of `ingest_messages_total` for an outcome. */
export function outcomeLabel(outcome: IngestOutcome): string {
  return outcome.status === 'retry' ? 'failed' : outcome.status === 'dead_letter' ? outcome.cause : outcome.status;
}

/** Seconds from the publisher's acceptance to now, for a stored message. */
export function lagSeconds(outcome: { message: { publishedAt: Date } }, now: number): number {
  return Math.max(0, now - outcome.message.publishedAt.getTime()) / 1000;
}

/** The subscriber's Prometheus metrics, on a registry of its own. */
export class SubscriberMetrics implements IngestMetrics {
  readonly registry = new Registry();
  readonly messages = new Counter({
    name: 'ingest_messages_total',
    help: 'Queued messages by outcome: stored, duplicate, invalid, rejected (left for the DLQ), failed (kept for retry).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly lag = new Histogram({
    name: 'ingest_lag_seconds',
    help: "End-to-end lag: time from the publisher's acceptance to the record being stored.",
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'ingest_batch_size',
    help: 'Messages per database statement.',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });
  readonly batchDuration = new Histogram({
    name: 'ingest_batch_duration_seconds',
    help: 'Duration of one database statement storing a batch.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'ingest_in_flight_messages',
    help: 'Messages received and not yet acknowledged or released.',
    registers: [this.registry],
  });
  readonly inFlightLimit = new Gauge({
    name: 'ingest_in_flight_limit',
    help: 'MAX_IN_FLIGHT_MESSAGES: the in-flight messages at which the pollers pause.',
    registers: [this.registry],
  });
  readonly backpressure = new Gauge({
    name: 'ingest_backpressure',
    help: '1 while the pollers are paused because the in-flight limit is reached or the database is failing, else 0.',
    registers: [this.registry],
  });
  readonly received = new Counter({
    name: 'sqs_received_messages_total',
    help: 'Messages received from SQS (redeliveries included).',
    registers: [this.registry],
  });
  readonly deleted = new Counter({
    name: 'sqs_deleted_messages_total',
    help: 'Messages deleted from SQS after their record was stored.',
    registers: [this.registry],
  });
  readonly sqsErrors = new Counter({
    name: 'sqs_errors_total',
    help: 'Failed SQS calls by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.backpressure.set(0);
  }

  record(outcomes: readonly IngestOutcome[], now = Date.now()): void {
    // One counter increment per outcome label and call, not per message: labelled increments hash their labels.
    let stored = 0;
    let others: Map<string, number> | undefined;
    for (const outcome of outcomes) {
      if (outcome.status === 'stored') {
        stored++;
        this.lag.observe(lagSeconds(outcome, now));
      } else {
        const label = outcomeLabel(outcome);
        (others ??= new Map()).set(label, (others.get(label) ?? 0) + 1);
      }
    }
    if (stored > 0) this.messages.inc({ outcome: 'stored' }, stored);
    if (others) for (const [outcome, count] of others) this.messages.inc({ outcome }, count);
  }

  statement(size: number, seconds: number): void {
    this.batchSize.observe(size);
    this.batchDuration.observe(seconds);
  }

  /**
   * `sqs_queue_messages{state}`, read from SQS when Prometheus scrapes (at most every `cacheMs`).
   * @param read resolves with the approximate visible, in-flight and delayed counts
   */
  observeQueue(read: () => Promise<Record<'visible' | 'in_flight' | 'delayed', number>>, onError: () => void): void {
    new Gauge({
      name: 'sqs_queue_messages',
      help: 'Approximate messages in the queue, by state, as SQS last reported them.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        try {
          for (const [state, value] of Object.entries(await read())) this.set({ state }, value);
        } catch {
          onError();
        }
      },
    });
  }
}
