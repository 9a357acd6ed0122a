import type { Server } from 'node:http';
import { createDatabase, createLogger, createTracing, databaseHealthCheck, databasePasswordProvider, observeDatabaseHealth, type Logger, type Tracing } from '@pubsub-ingest/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createApp } from './app';
import { Authenticator } from './auth/authenticator';
import { BodyBudget } from './limits/body-budget';
import { RateLimiter } from './limits/rate-limit';
import type { PublisherConfig } from './config';
import { healthRouter, readinessOf, type Readiness } from './health/health.router';
import { closeGracefully } from './http/close-gracefully';
import { HttpMetrics } from './http/http-metrics';
import { listen } from './http/listen';
import { routedApp } from './http/routed-app';
import { databaseIdempotencyStore } from './publish/idempotency';
import { TopicAllowList } from './publish/topic-allow-list';
import { createSnsPublisher } from './sns/create-sns-publisher';
import { PublishMetrics } from './sns/publish-metrics';
import { createSnsClient, SnsGateway } from './sns/sns-client';

export interface PublisherServiceDeps {
  logger?: Logger;
  clock?: () => Date;
  /** Overrides the tracing the `OTEL_*` configuration asks for. */
  tracing?: Tracing;
}

export interface PublisherService {
  /** Listens on HOST:PORT, then on HEALTH_HOST:HEALTH_PORT when it is set (0 picks a free port), and resolves with the API's base URL. */
  start(): Promise<string>;
  /** Base URL of /healthz, /readyz and /metrics once started: the health listener's, or the API's without HEALTH_PORT. */
  readonly healthUrl: string | undefined;
  /** Stops accepting, answers the requests in flight, waits for their publishes, then closes everything. */
  stop(): Promise<void>;
  readiness(): Promise<Readiness>;
  readonly registry: Registry;
}

/** The publisher, wired once: `main`, the tests and the benchmark all start it through here. */
export function createPublisherService(config: PublisherConfig, deps: PublisherServiceDeps = {}): PublisherService {
  const logger = deps.logger ?? createLogger('publisher', config.LOG_LEVEL);
  const password = databasePasswordProvider(config);
  const database = createDatabase(config, {
    logger: logger.child({ module: 'database' }),
    applicationName: 'pubsub-ingest-publisher',
    ...(password ? { password } : {}),
  });
  const sns = new SnsGateway(() => createSnsClient(config));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const topics = new TopicAllowList(config.ALLOWED_TOPICS);
  const tracing = deps.tracing ?? createTracing('publisher', config);
  const publisher = createSnsPublisher(config, sns, new PublishMetrics(registry), logger.child({ module: 'sns' }), tracing);

  let shuttingDown = false;
  const databaseHealth = observeDatabaseHealth(databaseHealthCheck(database.db), registry);
  const readiness = () =>
    readinessOf(
      [
        { name: 'database', check: databaseHealth },
        { name: 'sns', check: async () => void (await Promise.all(topics.topics.map((t) => sns.checkTopic(t.arn)))) },
      ],
      shuttingDown,
    );

  const clock = deps.clock ?? (() => new Date());
  const authenticator = Authenticator.create(config, { logger: logger.child({ module: 'auth' }), clock });
  const httpMetrics = new HttpMetrics(registry);
  const health = { readiness, registry };
  const app = createApp({
    logger,
    pool: database.pool,
    publisher,
    idempotency: databaseIdempotencyStore(database.pool),
    topics,
    httpMetrics,
    ...(config.HEALTH_PORT === undefined ? { health } : {}),
    clock,
    tracing,
    authenticator,
    rateLimiter: new RateLimiter(config, clock),
    bodyBudget: new BodyBudget(config.HTTP_MAX_BODY_BYTES_IN_FLIGHT, registry),
  });

  let server: Server | undefined;
  let healthServer: Server | undefined;
  let healthUrl: string | undefined;
  let stopped: Promise<void> | undefined;
  return {
    registry,
    readiness,
    get healthUrl() {
      return healthUrl;
    },
    async start() {
      const api = await listen(app.callback(), config.HOST, config.PORT, config);
      server = api.server;
      healthUrl = api.url;
      if (config.HEALTH_PORT !== undefined) {
        // After the API, so that nothing reports ready before the API port accepts.
        const own = await listen(routedApp(healthRouter(health), { logger, httpMetrics, tracing }).callback(), config.HEALTH_HOST, config.HEALTH_PORT, config);
        healthServer = own.server;
        healthUrl = own.url;
      }
      logger.info({ url: api.url, health: healthUrl, tracing: tracing.enabled }, `publisher listening on ${api.url}`);
      return api.url;
    },
    stop: () =>
      (stopped ??= (async () => {
        shuttingDown = true;
        if (server) await closeGracefully(server);
        // Only once the API has drained: until then probes must see readiness say shutting_down.
        if (healthServer) await closeGracefully(healthServer);
        await publisher.close();
        await database.destroy();
        authenticator.close();
        sns.destroy();
        await tracing.shutdown();
      })()),
  };
}
