import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type PublishOutcome = 'ok' | 'failed' | 'throttled' | 'rejected' | 'shed';

/** Metrics of the publishing family, on the service's registry. */
export class PublishMetrics {
  readonly publishes: Counter<'outcome'>;
  readonly batchSize: Histogram;
  readonly duration: Histogram<'operation'>;
  readonly waiting: Gauge;
  readonly waitingLimit: Gauge;

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
    this.duration = new Histogram({
      name: 'sns_publish_duration_seconds',
      help: 'Latency of SNS publish calls.',
      labelNames: ['operation'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.waiting = new Gauge({
      name: 'sns_publish_waiting_messages',
      help: 'Messages accepted and waiting for SNS to acknowledge them; requests are shed above PUBLISH_MAX_IN_FLIGHT.',
      registers: [registry],
    });
    this.waitingLimit = new Gauge({
      name: 'sns_publish_waiting_limit',
      help: 'PUBLISH_MAX_IN_FLIGHT: the waiting messages above which requests are shed.',
      registers: [registry],
    });
  }

  count(outcome: PublishOutcome, n = 1): void {
    this.publishes.inc({ outcome }, n);
  }
}
