import { performance } from 'node:perf_hooks';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { contextOfTraceParent, type Logger, type Tracing } from '@pubsub-ingest/common';
import type { Context, Next } from 'koa';
import type { Grants } from '../auth/grants';
import type { HttpMetrics } from './http-metrics';

/** What the handlers add to a request's telemetry through `ctx.state`. */
export interface RequestTelemetryState {
  /** The request's server span; undefined when tracing is off. */
  span?: Span;
  /** The transaction id the request was answered with, for the request's log line. */
  transactionId?: string;
  /** Set by authentication: who asked, for the request's log line (the credential's id, never the credential). */
  grants?: Pick<Grants, 'principal' | 'authenticated'>;
}

// Probes and scrapes come every few seconds from kubelets and Prometheus: not worth a line each at info.
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The request's metrics, its server span (parent taken from a W3C `traceparent` header) and one
 * log line per request, all timed once. Registered first, so they see every answer, errors included.
 */
export function requestTelemetry({ metrics, tracing, logger }: { metrics: HttpMetrics; tracing: Tracing; logger: Logger }) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now();
    const state = ctx.state as RequestTelemetryState;
    if (tracing.enabled) {
      state.span = tracing.tracer.startSpan(
        ctx.method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method, 'url.path': ctx.path } },
        contextOfTraceParent(ctx.get('traceparent')),
      );
    }
    metrics.inFlight.inc();
    try {
      await next();
    } finally {
      metrics.inFlight.dec();
      const seconds = (performance.now() - started) / 1000;
      // Unmatched paths share one label so scanners cannot blow up the series count.
      const route = ctx._matchedRoute?.toString() ?? 'unmatched';
      const status = ctx.status;
      metrics.observe({ route, method: ctx.method, status: String(status) }, seconds);
      const span = state.span;
      if (span) {
        span.updateName(`${ctx.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (state.transactionId) span.setAttribute('ingest.transaction_id', state.transactionId);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
      if (logger.isLevelEnabled(level)) {
        const line = {
          method: ctx.method,
          route,
          status,
          duration_ms: Math.round(seconds * 10_000) / 10,
          ...(state.transactionId ? { transaction_id: state.transactionId } : {}),
          ...(state.grants?.authenticated ? { principal: state.grants.principal } : {}),
          ...(span ? { trace_id: span.spanContext().traceId } : {}),
        };
        logger[level](line, 'request');
      }
    }
  };
}
