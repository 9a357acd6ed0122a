import Router from '@koa/router';
import {
  attributesOf,
  newTransactionId,
  SCHEMA_VERSION,
  SNS_MAX_MESSAGE_BYTES,
  transactionIdForIdempotencyKey,
  type Logger,
} from '@pubsub-ingest/common';
import { AppError, errors } from '../http/app-error';
import { readJsonBody } from '../http/json-body';
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
}

export function publishRouter({ topics, publisher, idempotency, logger, clock }: PublishRouterDeps): Router {
  const router = new Router();

  router.post('/ingresar-datos', async (ctx) => {
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
    const size = snsSizeOf(outgoing);
    if (size > SNS_MAX_MESSAGE_BYTES) {
      throw new AppError('payload_too_large', `the message and its attributes take ${size} bytes; SNS accepts at most ${SNS_MAX_MESSAGE_BYTES}`);
    }

    if (idempotencyKey) {
      let claim;
      try {
        claim = await idempotency.claim(transactionId, requestFingerprint(request));
      } catch (err) {
        logger.warn({ err, transactionId }, 'idempotency key could not be claimed');
        throw errors.unavailable('database_unavailable', 'the Idempotency-Key cannot be checked right now; retry later', 2);
      }
      if (claim === 'other_request') {
        throw new AppError('idempotency_key_reused', 'this Idempotency-Key was first used with a different message, attributes or topic; use a new key for a new message');
      }
    }

    try {
      await publisher.publish(outgoing);
    } catch (err) {
      if (err instanceof PublishRejectedError) {
        logger.warn({ err, transactionId }, 'message refused');
        throw new AppError('message_rejected', err.message);
      }
      if (err instanceof PublishFailedError) {
        logger.warn({ err, transactionId }, 'publish failed');
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
