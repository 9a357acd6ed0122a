import { isSpanContextValid, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';

/** The W3C `traceparent` of a span context, as a message attribute carries it. */
export function traceParentOf(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-0${span.traceFlags & TraceFlags.SAMPLED}`;
}

/** The remote parent a `traceparent` names; undefined for a missing or malformed value. */
export function spanContextOf(traceParent: string | undefined): SpanContext | undefined {
  if (!traceParent) return undefined;
  const parsed = parseTraceParent(traceParent);
  return parsed && isSpanContextValid(parsed) ? { ...parsed, isRemote: true } : undefined;
}

/** A context whose parent is the `traceparent` given, or the root context. */
export function contextOfTraceParent(traceParent: string | undefined): Context {
  const parent = spanContextOf(traceParent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/** The context for a child of `span` (the root context when there is none). */
export function contextOfSpan(span: Span | undefined): Context {
  return span ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT;
}

/** Ends a span with an error status and the error recorded. */
export function endWithError(span: Span | undefined, err: unknown, message?: string): void {
  if (!span) return;
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? (err instanceof Error ? err.message : String(err)) });
  span.end();
}
