import type { Context, Next } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Per-route request counts and latency, on the service's registry. */
export class HttpMetrics {
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method' | 'status'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
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
