import { SpanKind, type Span } from '@opentelemetry/api';
import {
  ATTRIBUTE,
  attributesOf,
  contextOfSpan,
  endWithError,
  newTransactionId,
  SCHEMA_VERSION,
  SNS_MAX_MESSAGE_BYTES,
  TRACE_PARENT_ATTRIBUTE_BYTES,
  traceParentOf,
  transactionIdForIdempotencyKey,
  type Logger,
  type Tracing,
} from '@pubsub-ingest/common';
import { AppError, errors } from '../http/app-error';
import { PublishFailedError, PublishRejectedError, snsSizeOf, type MessagePublisher, type OutgoingMessage } from '../sns/outgoing-message';
import { PublisherOverloadedError } from '../sns/shedding-publisher';
import { requestFingerprint, type IdempotencyStore } from './idempotency';
import type { PublishRequest } from './publish-request';

export interface MessageIntakeDeps {
  publisher: MessagePublisher;
  idempotency: IdempotencyStore;
  logger: Logger;
  clock: () => Date;
  tracing: Tracing;
}

/** A checked request with its transaction id, ready to be claimed and published. */
export interface PreparedMessage {
  request: PublishRequest;
  idempotencyKey: string | undefined;
  transactionId: string;
  outgoing: OutgoingMessage;
}

/**
 * What POST /ingresar-datos does with one checked message, shared by the single and the batch
 * route so an item of a batch is treated exactly like a request of its own: its transaction id,
 * the SNS size check, the Idempotency-Key claim and the publish, each refusal as the AppError a
 * single request would be answered with.
 */
export function messageIntake({ publisher, idempotency, logger, clock, tracing }: MessageIntakeDeps) {
  const { tracer } = tracing;
  /** A child of the request's span, or undefined when tracing is off. */
  const startChild = (parent: Span | undefined, name: string, kind = SpanKind.INTERNAL, attributes?: Record<string, string | number>): Span | undefined =>
    parent && tracer.startSpan(name, { kind, ...(attributes ? { attributes } : {}) }, contextOfSpan(parent));

  /** `producer` is the authenticated caller, so keys are theirs alone; undefined with authentication off. */
  const prepare = (request: PublishRequest, idempotencyKey: string | undefined, producer: string | undefined): PreparedMessage => {
    const transactionId = idempotencyKey ? transactionIdForIdempotencyKey(request.topic.arn, idempotencyKey, producer) : newTransactionId();
    const outgoing: OutgoingMessage = {
      topicArn: request.topic.arn,
      body: request.message.body,
      attributes: attributesOf(
        { transactionId, topic: request.topic.name, contentType: request.message.contentType, publishedAt: clock(), schemaVersion: SCHEMA_VERSION },
        request.attributes,
      ),
    };
    // The trace context's room is kept whether or not tracing is on, so the limit never depends on it.
    const size = snsSizeOf(outgoing) + TRACE_PARENT_ATTRIBUTE_BYTES;
    if (size > SNS_MAX_MESSAGE_BYTES) {
      throw new AppError('payload_too_large', `the message and its attributes take ${size} bytes; SNS accepts at most ${SNS_MAX_MESSAGE_BYTES}`);
    }
    return { request, idempotencyKey, transactionId, outgoing };
  };

  const claim = async ({ request, transactionId }: PreparedMessage, parent: Span | undefined, correlation: () => object) => {
    const span = startChild(parent, 'idempotency claim', SpanKind.CLIENT, { 'db.system.name': 'postgresql' });
    let claimed;
    try {
      claimed = await idempotency.claim(transactionId, requestFingerprint(request));
      span?.setAttribute('ingest.idempotency.claim', claimed);
      span?.end();
    } catch (err) {
      endWithError(span, err);
      logger.warn({ err, ...correlation() }, 'idempotency key could not be claimed');
      throw errors.unavailable('database_unavailable', 'the Idempotency-Key cannot be checked right now; retry later', 2);
    }
    if (claimed === 'other_request') {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was first used with a different message, attributes or topic; use a new key for a new message');
    }
  };

  /** Claims the key, if any, and resolves once SNS acknowledged the message; rejects with the AppError to answer. */
  const accept = async (prepared: PreparedMessage, parent: Span | undefined): Promise<void> => {
    const { request, idempotencyKey, transactionId } = prepared;
    // Only the rare warning lines need it, so it is built only for them.
    const correlation = () => ({ transaction_id: transactionId, ...(parent ? { trace_id: parent.spanContext().traceId } : {}) });
    if (idempotencyKey) await claim(prepared, parent, correlation);

    // The producer span: its context travels in the message, so the subscriber's spans join this trace.
    const span = startChild(parent, `publish ${request.topic.name}`, SpanKind.PRODUCER, {
      'messaging.system': 'aws_sns',
      'messaging.operation.type': 'send',
      'messaging.destination.name': request.topic.name,
      'ingest.transaction_id': transactionId,
    });
    let { outgoing } = prepared;
    if (span) {
      outgoing = { ...outgoing, attributes: [...outgoing.attributes, [ATTRIBUTE.traceParent, traceParentOf(span.spanContext())]], span: span.spanContext() };
    }
    try {
      await publisher.publish(outgoing);
      span?.end();
    } catch (err) {
      endWithError(span, err);
      if (err instanceof PublishRejectedError) {
        logger.warn({ err, ...correlation() }, 'message refused');
        throw new AppError('message_rejected', err.message);
      }
      if (err instanceof PublishFailedError) {
        logger.warn({ err, ...correlation() }, 'publish failed');
        throw errors.unavailable(
          err.throttled ? 'publish_throttled' : 'publish_unavailable',
          err.throttled ? 'SNS is throttling publishes; retry later' : 'the message could not be published; retry later',
          err.throttled ? 2 : 5,
        );
      }
      if (err instanceof PublisherOverloadedError) {
        throw errors.unavailable('overloaded', 'too many messages are waiting to be published; retry shortly', 1);
      }
      throw err;
    }
  };

  return { prepare, accept, startChild };
}

export type MessageIntake = ReturnType<typeof messageIntake>;
