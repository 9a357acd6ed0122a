import Router from '@koa/router';
import Koa from 'koa';
import type { Logger, Tracing } from '@pubsub-ingest/common';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { Authenticator } from './auth/authenticator';
import { healthRouter, type Readiness } from './health/health.router';
import type { BodyBudget } from './limits/body-budget';
import type { RateLimiter } from './limits/rate-limit';
import { errorMiddleware } from './http/error-middleware';
import type { HttpMetrics } from './http/http-metrics';
import { requestTelemetry } from './http/request-telemetry';
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
  registry: Registry;
  httpMetrics: HttpMetrics;
  readiness: () => Promise<Readiness>;
  clock: () => Date;
  tracing: Tracing;
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  bodyBudget: BodyBudget;
}

/** The publisher's HTTP application: one router, so every path and method gets the JSON error shape. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true;
  // The served document names the topics this instance accepts.
  const openapi = JSON.stringify(openApiDocument({ topics: deps.topics.names, auth: deps.authenticator.mode === 'on' }));

  app.use(requestTelemetry({ metrics: deps.httpMetrics, tracing: deps.tracing, logger: deps.logger.child({ module: 'http' }) }));
  app.use(errorMiddleware(deps.logger));

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
    healthRouter({ readiness: deps.readiness, registry: deps.registry }),
  ]) {
    router.use(feature.routes());
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
