import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestOutcome } from './ingest/ingest-core';

/** The subscriber's Prometheus metrics, on a registry of its own. */
export class SubscriberMetrics {
  readonly registry = new Registry();
  readonly messages = new Counter({
    name: 'ingest_messages_total',
    help: 'Queued messages by outcome: stored, duplicate, invalid, rejected (left for the DLQ), failed (kept for retry).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly lag = new Histogram({
    name: 'ingest_lag_seconds',
    help: 'Time from publish to the record being stored.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'ingest_batch_size',
    help: 'Messages per database statement.',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'ingest_in_flight_messages',
    help: 'Messages received and not yet acknowledged or released.',
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
  }

  record(outcomes: readonly IngestOutcome[], now = Date.now()): void {
    for (const outcome of outcomes) {
      this.messages.inc({ outcome: outcome.status === 'retry' ? 'failed' : outcome.status === 'dead_letter' ? outcome.cause : outcome.status });
      if (outcome.status === 'stored') this.lag.observe(Math.max(0, now - outcome.message.publishedAt.getTime()) / 1000);
    }
  }
}
