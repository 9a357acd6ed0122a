import Router from '@koa/router';
import { SpanKind, type Span } from '@opentelemetry/api';
import type { Context } from 'koa';
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
import { readJsonBody } from '../http/json-body';
import type { RequestTelemetryState } from '../http/request-telemetry';
import { PublishFailedError, PublishRejectedError, snsSizeOf, type MessagePublisher, type OutgoingMessage } from '../sns/outgoing-message';
import { PublisherOverloadedError } from '../sns/shedding-publisher';
import { idempotencyKeyOf, requestFingerprint, type IdempotencyStore } from './idempotency';
import { parsePublishRequest } from './publish-request';
import type { TopicAllowList } from './topic-allow-list';

/** JSON escaping can make a body several times larger than the message SNS receives; past this it cannot fit. */
const BODY_LIMIT_BYTES = 6 * SNS_MAX_MESSAGE_BYTES;

export interface PublishRouterDeps {
  topics: TopicAllowList;
  publisher: MessagePublisher;
  idempotency: IdempotencyStore;
  logger: Logger;
  clock: () => Date;
  tracing: Tracing;
}

export function publishRouter({ topics, publisher, idempotency, logger, clock, tracing }: PublishRouterDeps): Router {
  const router = new Router();
  const { tracer } = tracing;

  /** A child of the request's span, or undefined when tracing is off. */
  const startChild = (state: RequestTelemetryState, name: string, kind = SpanKind.INTERNAL, attributes?: Record<string, string | number>): Span | undefined =>
    state.span && tracer.startSpan(name, { kind, ...(attributes ? { attributes } : {}) }, contextOfSpan(state.span));

  /** Checks the request against the contract and builds the message; 4xx for anything we could not publish and store unchanged. */
  const validate = async (ctx: Context, state: RequestTelemetryState) => {
    const span = startChild(state, 'validate');
    try {
      const request = parsePublishRequest(await readJsonBody(ctx, BODY_LIMIT_BYTES), topics);
      const idempotencyKey = idempotencyKeyOf(ctx);
      const transactionId = idempotencyKey ? transactionIdForIdempotencyKey(request.topic.arn, idempotencyKey) : newTransactionId();
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
      span?.end();
      return { request, idempotencyKey, transactionId, outgoing };
    } catch (err) {
      endWithError(span, err);
      throw err;
    }
  };

  router.post('/ingresar-datos', async (ctx) => {
    const state = ctx.state as RequestTelemetryState;
    const validated = await validate(ctx, state);
    const { request, idempotencyKey, transactionId } = validated;
    let { outgoing } = validated;
    state.transactionId = transactionId;
    // Only the rare warning lines need it, so it is built only for them.
    const correlation = () => ({ transaction_id: transactionId, ...(state.span ? { trace_id: state.span.spanContext().traceId } : {}) });

    if (idempotencyKey) {
      const span = startChild(state, 'idempotency claim', SpanKind.CLIENT, { 'db.system.name': 'postgresql' });
      let claim;
      try {
        claim = await idempotency.claim(transactionId, requestFingerprint(request));
        span?.setAttribute('ingest.idempotency.claim', claim);
        span?.end();
      } catch (err) {
        endWithError(span, err);
        logger.warn({ err, ...correlation() }, 'idempotency key could not be claimed');
        throw errors.unavailable('database_unavailable', 'the Idempotency-Key cannot be checked right now; retry later', 2);
      }
      if (claim === 'other_request') {
        throw new AppError('idempotency_key_reused', 'this Idempotency-Key was first used with a different message, attributes or topic; use a new key for a new message');
      }
    }

    // The producer span: its context travels in the message, so the subscriber's spans join this trace.
    const span = startChild(state, `publish ${request.topic.name}`, SpanKind.PRODUCER, {
      'messaging.system': 'aws_sns',
      'messaging.operation.type': 'send',
      'messaging.destination.name': request.topic.name,
      'ingest.transaction_id': transactionId,
    });
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

    ctx.status = 202;
    ctx.set('Location', `/data/${transactionId}`);
    ctx.body = { status: 'OK', transaction_id: transactionId };
  });

  return router;
}
