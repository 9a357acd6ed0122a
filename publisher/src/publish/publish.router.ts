import Router from '@koa/router';
import { endWithError, type Logger, type Tracing } from '@pubsub-ingest/common';
import type { Middleware } from 'koa';
import { insufficientScope, type AuthState } from '../auth/authenticator';
import type { Grants } from '../auth/grants';
import { AppError } from '../http/app-error';
import { BATCH_BODY_MAX_BYTES, MESSAGE_BODY_MAX_BYTES } from '../http/body-limits';
import { readJsonBody } from '../http/json-body';
import type { BodyBudget } from '../limits/body-budget';
import type { RateLimiter } from '../limits/rate-limit';
import type { RequestTelemetryState } from '../http/request-telemetry';
import type { MessagePublisher } from '../sns/outgoing-message';
import { readBatch } from './batch-request';
import { answerBatch, refusedItem, type ItemResult } from './batch-response';
import { idempotencyKeyOf, type IdempotencyStore } from './idempotency';
import { messageIntake, type PreparedMessage } from './message-intake';
import { parsePublishRequest, type PublishRequest } from './publish-request';
import type { TopicAllowList } from './topic-allow-list';

export interface PublishRouterDeps {
  topics: TopicAllowList;
  publisher: MessagePublisher;
  idempotency: IdempotencyStore;
  logger: Logger;
  clock: () => Date;
  tracing: Tracing;
  /** Sets ctx.state.grants from the request's credential, or refuses it. */
  authenticate: Middleware;
  rateLimiter: RateLimiter;
  bodyBudget: BodyBudget;
}

/** A 403 unless the caller may publish to the request's topic. */
function checkPublishScope(grants: Grants, request: PublishRequest): void {
  if (!grants.canPublish(request.topic.name)) {
    throw insufficientScope(`publish:${request.topic.name}`, `this credential may not publish to ${request.topic.name}; it needs the scope publish:${request.topic.name}`);
  }
}

/** The Idempotency-Key namespace: the caller when authenticated, so keys never meet across producers. */
const producerOf = (grants: Grants) => (grants.authenticated ? grants.principal : undefined);

export function publishRouter(deps: PublishRouterDeps): Router {
  const { topics, logger } = deps;
  const router = new Router();
  const intake = messageIntake(deps);

  // Who asks, then the per-client limits, then the shared body budget: each refusal comes before the body is read.
  const admitMessage = [deps.authenticate, deps.rateLimiter.perRequest(), deps.rateLimiter.bodyBytes(MESSAGE_BODY_MAX_BYTES), deps.bodyBudget.reserve(MESSAGE_BODY_MAX_BYTES)];
  const admitBatch = [deps.authenticate, deps.rateLimiter.bodyBytes(BATCH_BODY_MAX_BYTES), deps.bodyBudget.reserve(BATCH_BODY_MAX_BYTES)];

  router.post('/ingresar-datos', ...admitMessage, async (ctx) => {
    const state = ctx.state as RequestTelemetryState & AuthState;
    const span = intake.startChild(state.span, 'validate');
    let prepared: PreparedMessage;
    try {
      const request = parsePublishRequest(await readJsonBody(ctx, MESSAGE_BODY_MAX_BYTES), topics);
      checkPublishScope(state.grants, request);
      prepared = intake.prepare(request, idempotencyKeyOf(ctx), producerOf(state.grants));
      span?.end();
    } catch (err) {
      endWithError(span, err);
      throw err;
    }
    state.transactionId = prepared.transactionId;
    await intake.accept(prepared, state.span);

    ctx.status = 202;
    ctx.set('Location', `/data/${prepared.transactionId}`);
    ctx.body = { status: 'OK', transaction_id: prepared.transactionId };
  });

  /** Many messages in one request: each item is checked, claimed and published as if it were a request of its own. */
  router.post('/ingresar-datos/lote', ...admitBatch, async (ctx) => {
    const state = ctx.state as RequestTelemetryState & AuthState;
    const span = intake.startChild(state.span, 'validate');
    let items: (PreparedMessage | ItemResult)[];
    try {
      const entries = await readBatch(ctx);
      deps.rateLimiter.check(ctx, entries.length);
      items = entries.map((entry, index) => {
        if ('error' in entry) return refusedItem(index, entry.error);
        try {
          const request = parsePublishRequest(entry.body, topics, 'item');
          checkPublishScope(state.grants, request);
          return intake.prepare(request, request.idempotencyKey, producerOf(state.grants));
        } catch (err) {
          if (err instanceof AppError) return refusedItem(index, err);
          throw err;
        }
      });
      span?.end();
    } catch (err) {
      endWithError(span, err);
      throw err;
    }

    const results = await Promise.all(
      items.map(async (item, index): Promise<ItemResult> => {
        if (!('outgoing' in item)) return item;
        try {
          await intake.accept(item, state.span);
          return { index, status: 202, transaction_id: item.transactionId };
        } catch (err) {
          if (err instanceof AppError) return refusedItem(index, err);
          logger.error({ err, transaction_id: item.transactionId }, 'unhandled error in a batch item');
          return refusedItem(index, new AppError('internal_error', 'internal error'));
        }
      }),
    );
    answerBatch(ctx, results);
  });

  return router;
}
