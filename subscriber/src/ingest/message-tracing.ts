import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { ATTRIBUTE, contextOfTraceParent, type Tracing } from '@pubsub-ingest/common';
import type { ReceivedMessage } from './ingest-core';

/**
 * The subscriber's spans. A receive (one ReceiveMessage call, or one Lambda event) carries many
 * messages, so it stands on its own; each message gets a `process` span whose parent is the
 * producer span named by the message's `ingest.traceparent`, linked to its receive. Steps done for
 * many messages at once (the insert, the delete) get one span per message, timed to the shared
 * call, so a message's trace shows every step it went through — each redelivery included.
 */
export class MessageTracing {
  constructor(
    private readonly tracing: Tracing,
    private readonly queueName: string,
  ) {}

  get enabled(): boolean {
    return this.tracing.enabled;
  }

  /** The span of one receive that returned messages, started at `startTime` (ms since the epoch). */
  receive(name: string, startTime: number, count: number): Span | undefined {
    if (!this.tracing.enabled) return undefined;
    return this.tracing.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, root: true, startTime, attributes: { ...this.messaging('receive'), 'messaging.batch.message_count': count } },
      ROOT_CONTEXT,
    );
  }

  /** The process span of one received message, in the trace of the publish that sent it. */
  process(message: ReceivedMessage, receive?: Span, startTime?: number): Span | undefined {
    if (!this.tracing.enabled) return undefined;
    const links: Link[] = receive ? [{ context: receive.spanContext() }] : [];
    return this.tracing.tracer.startSpan(
      `process ${this.queueName}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        ...(startTime !== undefined ? { startTime } : {}),
        attributes: { ...this.messaging('process'), 'messaging.message.id': message.messageId, 'ingest.receive_count': message.receiveCount },
      },
      contextOfTraceParent(message.attributes[ATTRIBUTE.traceParent]),
    );
  }

  /** One span per message for a step done for all of them at once (ms since the epoch). */
  step(spans: readonly (Span | undefined)[], name: string, startTime: number, endTime: number, attributes: Attributes, error?: string): void {
    if (!this.tracing.enabled) return;
    for (const parent of spans) {
      if (!parent) continue;
      const span = this.tracing.tracer.startSpan(name, { startTime, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end(endTime);
    }
  }

  private messaging(operation: 'receive' | 'process'): Attributes {
    return { 'messaging.system': 'aws_sqs', 'messaging.operation.type': operation, 'messaging.destination.name': this.queueName };
  }
}
