import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Logger, Tracing } from '@pubsub-ingest/common';
import { errorMiddleware } from './error-middleware';
import type { HttpMetrics } from './http-metrics';
import { requestTelemetry } from './request-telemetry';

export interface RoutedAppDeps {
  logger: Logger;
  httpMetrics: HttpMetrics;
  tracing: Tracing;
}

/**
 * A Koa application answering through one router, so every path and method gets the JSON error
 * shape and is observed. `around` runs between the two, outside every route.
 */
export function routedApp(router: Router, { logger, httpMetrics, tracing }: RoutedAppDeps, around: Middleware[] = []): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(requestTelemetry({ metrics: httpMetrics, tracing, logger: logger.child({ module: 'http' }) }));
  app.use(errorMiddleware(logger));
  for (const middleware of around) app.use(middleware);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
