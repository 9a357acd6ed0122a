import Router from '@koa/router';
import {
  attributesOf,
  newTransactionId,
  SCHEMA_VERSION,
  SNS_MAX_MESSAGE_BYTES,
  snsBodyOf,
  transactionIdForIdempotencyKey,
  type Logger,
} from '@pubsub-ingest/common';
import { AppError, errors } from '../http/app-error';
import { readJsonBody } from '../http/json-body';
import { fieldErrorsOf, IdempotencyKey, IngestRequest } from './ingest.schema';
import { PublishFailedError, snsSizeOf, type MessagePublisher } from './outgoing-message';
import { PublisherOverloadedError } from './shedding-publisher';
import type { TopicAllowList } from './topic-allow-list';

/** JSON escaping can double a message's size, so the body may be larger than what SNS will take. */
const BODY_LIMIT_BYTES = 2 * SNS_MAX_MESSAGE_BYTES;

export interface IngestRouterDeps {
  topics: TopicAllowList;
  publisher: MessagePublisher;
  logger: Logger;
  clock?: () => Date;
}

export function ingestRouter({ topics, publisher, logger, clock = () => new Date() }: IngestRouterDeps): Router {
  const router = new Router();

  router.post('/ingresar-datos', async (ctx) => {
    const parsed = IngestRequest.safeParse(await readJsonBody(ctx, BODY_LIMIT_BYTES));
    if (!parsed.success) {
      const details = fieldErrorsOf(parsed.error);
      throw new AppError(422, 'validation_failed', details.map((d) => `${d.field}: ${d.message}`).join('; '), { details });
    }
    const request = parsed.data;
    const topic = topics.resolve(request.topic_arn);
    if (!topic) {
      throw new AppError(422, 'unknown_topic', `topic_arn "${request.topic_arn}" is not a topic this service publishes to`, {
        details: [{ field: 'topic_arn', message: 'unknown topic' }],
      });
    }

    const idempotencyKey = ctx.get('Idempotency-Key');
    if (idempotencyKey && !IdempotencyKey.safeParse(idempotencyKey).success) {
      throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const transactionId = idempotencyKey ? transactionIdForIdempotencyKey(topic.arn, idempotencyKey) : newTransactionId();

    const { body, contentType } = snsBodyOf(request.message);
    const outgoing = {
      topicArn: topic.arn,
      body,
      attributes: attributesOf({
        transactionId,
        topic: topic.name,
        contentType,
        attributes: request.attributes ?? {},
        publishedAt: clock(),
        schemaVersion: SCHEMA_VERSION,
      }),
    };
    const size = snsSizeOf(outgoing);
    if (size > SNS_MAX_MESSAGE_BYTES) {
      throw new AppError(413, 'payload_too_large', `the message and its attributes take ${size} bytes; SNS accepts at most ${SNS_MAX_MESSAGE_BYTES}`);
    }

    try {
      await publisher.publish(outgoing);
    } catch (err) {
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
