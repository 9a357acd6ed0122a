import type { Context, Next } from 'koa';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type PublishOutcome = 'ok' | 'failed' | 'throttled' | 'shed';

/** The publisher's Prometheus metrics, on a registry of its own (one per app instance). */
export class PublisherMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly publishes = new Counter({
    name: 'sns_publish_total',
    help: 'Messages handed to SNS, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly publishBatchSize = new Histogram({
    name: 'sns_publish_batch_size',
    help: 'Entries per SNS publish call.',
    buckets: [1, 2, 3, 5, 8, 10],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  middleware() {
    return async (ctx: Context, next: Next): Promise<void> => {
      const stop = this.duration.startTimer();
      try {
        await next();
      } finally {
        // Unmatched paths share one label so scanners cannot blow up the series count.
        const labels = { route: ctx._matchedRoute?.toString() ?? 'unmatched', method: ctx.method, status: String(ctx.status) };
        this.requests.inc(labels);
        stop(labels);
      }
    };
  }
}
