import { Counter, Histogram, type Registry } from 'prom-client';

export type PublishOutcome = 'ok' | 'failed' | 'throttled' | 'rejected' | 'shed';

/** Metrics of the publishing family, on the service's registry. */
export class PublishMetrics {
  readonly publishes: Counter<'outcome'>;
  readonly batchSize: Histogram;

  constructor(registry: Registry) {
    this.publishes = new Counter({
      name: 'sns_publish_total',
      help: 'Messages handed to SNS, by outcome.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    this.batchSize = new Histogram({
      name: 'sns_publish_batch_size',
      help: 'Entries per SNS publish call.',
      buckets: [1, 2, 3, 5, 8, 10],
      registers: [registry],
    });
  }

  count(outcome: PublishOutcome, n = 1): void {
    this.publishes.inc({ outcome }, n);
  }
}
