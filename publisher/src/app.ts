import Router from '@koa/router';
import type Koa from 'koa';
import type { Logger, Tracing } from '@pubsub-ingest/common';
import type { Pool } from 'pg';
import type { Authenticator } from './auth/authenticator';
import { healthRouter, livenessRouter, type HealthRouterDeps } from './health/health.router';
import type { BodyBudget } from './limits/body-budget';
import type { RateLimiter } from './limits/rate-limit';
import type { HttpMetrics } from './http/http-metrics';
import { routedApp } from './http/routed-app';
import { openApiDocument } from './openapi/document';
import type { IdempotencyStore } from './publish/idempotency';
import { publishRouter } from './publish/publish.router';
import type { TopicAllowList } from './publish/topic-allow-list';
import { recordsRouter } from './records/records.router';
import type { MessagePublisher } from './sns/outgoing-message';

export interface AppDeps {
  logger: Logger;
  pool: Pool;
  publisher: MessagePublisher;
  idempotency: IdempotencyStore;
  topics: TopicAllowList;
  httpMetrics: HttpMetrics;
  /** Readiness and metrics on the API port; absent when they have a listener of their own (HEALTH_PORT), and only liveness stays here. */
  health?: HealthRouterDeps;
  clock: () => Date;
  tracing: Tracing;
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  bodyBudget: BodyBudget;
}

/** The publisher's API: publishing, records, the OpenAPI document and liveness, with readiness and metrics unless they have a listener of their own. */
export function createApp(deps: AppDeps): Koa {
  // The served document names the topics this instance accepts.
  const openapi = JSON.stringify(openApiDocument({ topics: deps.topics.names, auth: deps.authenticator.mode === 'on', health: deps.health !== undefined }));

  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  // Health, metrics and the OpenAPI document stay open: probes and scrapers carry no credentials.
  const authenticate = deps.authenticator.middleware();
  for (const feature of [
    publishRouter({ topics: deps.topics, publisher: deps.publisher, idempotency: deps.idempotency, logger: deps.logger, clock: deps.clock, tracing: deps.tracing, authenticate, rateLimiter: deps.rateLimiter, bodyBudget: deps.bodyBudget }),
    recordsRouter({ pool: deps.pool, clock: deps.clock, authenticate, rateLimiter: deps.rateLimiter }),
    deps.health ? healthRouter(deps.health) : livenessRouter(),
  ]) {
    router.use(feature.routes());
  }
  const app = routedApp(router, deps, [deps.rateLimiter.holdRefusals()]);
  app.proxy = true;
  return app;
}
