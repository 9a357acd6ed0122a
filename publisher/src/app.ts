import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '@pubsub-ingest/common';
import type { Pool } from 'pg';
import { errorMiddleware } from './http/error-middleware';
import type { PublisherMetrics } from './http/metrics';
import { healthRouter, type ReadinessCheck } from './health/health.router';
import { ingestRouter } from './ingest/ingest.router';
import type { MessagePublisher } from './ingest/outgoing-message';
import type { TopicAllowList } from './ingest/topic-allow-list';
import { openApiDocument } from './openapi/document';
import { recordsRouter } from './records/records.router';

export interface AppDeps {
  logger: Logger;
  pool: Pool;
  publisher: MessagePublisher;
  topics: TopicAllowList;
  metrics: PublisherMetrics;
  readinessChecks: ReadinessCheck[];
  isShuttingDown?: () => boolean;
  clock?: () => Date;
}

/** The publisher's HTTP application; `main` listens, tests drive `app.callback()` or a port of their own. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true;
  const openapi = JSON.stringify(openApiDocument());

  app.use(deps.metrics.middleware());
  app.use(errorMiddleware(deps.logger));

  const docs = new Router().get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
  const routers = [
    ingestRouter({ topics: deps.topics, publisher: deps.publisher, logger: deps.logger, ...(deps.clock ? { clock: deps.clock } : {}) }),
    recordsRouter({ pool: deps.pool }),
    healthRouter({ checks: deps.readinessChecks, metrics: deps.metrics, isShuttingDown: deps.isShuttingDown ?? (() => false) }),
    docs,
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
