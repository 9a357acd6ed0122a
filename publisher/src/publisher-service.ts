import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase, createLogger, createTracing, databaseHealthCheck, databasePasswordProvider, observeDatabaseHealth, type Logger, type Tracing } from '@pubsub-ingest/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createApp } from './app';
import { Authenticator } from './auth/authenticator';
import { BodyBudget } from './limits/body-budget';
import { RateLimiter } from './limits/rate-limit';
import type { PublisherConfig } from './config';
import { readinessOf, type Readiness } from './health/health.router';
import { answerClientErrorsAsJson } from './http/client-error';
import { closeGracefully } from './http/close-gracefully';
import { HttpMetrics } from './http/http-metrics';
import { databaseIdempotencyStore } from './publish/idempotency';
import { TopicAllowList } from './publish/topic-allow-list';
import { createSnsPublisher } from './sns/create-sns-publisher';
import { PublishMetrics } from './sns/publish-metrics';
import { createSnsClient, SnsGateway } from './sns/sns-client';

/** Node's default, stated: past 16 KiB of headers the request is 431 headers_too_large. */
const MAX_HEADER_BYTES = 16 * 1024;

export interface PublisherServiceDeps {
  logger?: Logger;
  clock?: () => Date;
  /** Overrides the tracing the `OTEL_*` configuration asks for. */
  tracing?: Tracing;
}

export interface PublisherService {
  /** Listens on HOST:PORT (0 picks a free port) and resolves with the base URL. */
  start(): Promise<string>;
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
  const app = createApp({
    logger,
    pool: database.pool,
    publisher,
    idempotency: databaseIdempotencyStore(database.pool),
    topics,
    registry,
    httpMetrics: new HttpMetrics(registry),
    readiness,
    clock,
    tracing,
    authenticator,
    rateLimiter: new RateLimiter(config, clock),
    bodyBudget: new BodyBudget(config.HTTP_MAX_BODY_BYTES_IN_FLIGHT, registry),
  });

  let server: Server | undefined;
  let stopped: Promise<void> | undefined;
  return {
    registry,
    readiness,
    async start() {
      server = createServer(
        {
          headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
          requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
          keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
          maxHeaderSize: MAX_HEADER_BYTES,
          // How often Node looks for requests past those timeouts; its default of 30 s would let a slow client hold a socket that long.
          connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
        },
        app.callback(),
      );
      server.listen(config.PORT, config.HOST);
      answerClientErrorsAsJson(server);
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
      logger.info({ url, tracing: tracing.enabled }, `publisher listening on ${url}`);
      return url;
    },
    stop: () =>
      (stopped ??= (async () => {
        shuttingDown = true;
        if (server) await closeGracefully(server);
        await publisher.close();
        await database.destroy();
        authenticator.close();
        sns.destroy();
        await tracing.shutdown();
      })()),
  };
}
