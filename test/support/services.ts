import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';
import { createLogger } from '@pubsub-ingest/common';
import { REGION } from '@pubsub-ingest/local-stack';
import { createPublisherService, loadPublisherConfig, type PublisherService, type PublisherServiceDeps } from '@pubsub-ingest/publisher';
import { createSubscriberService, loadSubscriberConfig, type SubscriberMetrics, type SubscriberService, type SubscriberServiceDeps } from '@pubsub-ingest/subscriber';
import { createTestDatabase, type TestDatabase } from './database';
import { createTestMessaging, type TestMessaging } from './messaging';

export const silentLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface RunningPublisher {
  url: string;
  /** Base URL of /healthz, /readyz and /metrics: the API's, or the health listener's when `env` sets HEALTH_PORT ('0' picks a free port). */
  healthUrl: string;
  service: PublisherService;
  stop(): Promise<void>;
}

/**
 * The publisher as `main` builds it, from environment variables, on a loopback port of its own.
 * `env` needs DATABASE_URL and ALLOWED_TOPICS, and AWS_ENDPOINT_URL for the emulator; authentication is off unless `env` sets AUTH_MODE.
 */
export async function startPublisher(env: Record<string, string>, deps: PublisherServiceDeps = {}): Promise<RunningPublisher> {
  const service = createPublisherService(loadPublisherConfig({ AWS_REGION: REGION, PORT: '0', AUTH_MODE: 'off', ...env }), { logger: silentLogger, ...deps });
  const url = await service.start();
  return { url, healthUrl: service.healthUrl!, service, stop: () => service.stop() };
}

export interface RunningSubscriber {
  service: SubscriberService;
  metrics: SubscriberMetrics;
  /** Base URL of its health listener (/healthz, /readyz, /metrics). */
  healthUrl: string;
  stop(): Promise<void>;
}

/** The subscriber as `main` builds it, from environment variables; `env` needs DATABASE_URL, QUEUE_URL and AWS_ENDPOINT_URL. */
export async function startSubscriber(env: Record<string, string>, deps: SubscriberServiceDeps = {}): Promise<RunningSubscriber> {
  const service = createSubscriberService(
    loadSubscriberConfig({ AWS_REGION: REGION, HEALTH_PORT: '0', POLLERS: '2', RECEIVE_WAIT_SECONDS: '1', BATCH_LINGER_MS: '5', ...env }),
    { logger: silentLogger, ...deps },
  );
  const healthUrl = await service.start();
  return { service, metrics: service.metrics, healthUrl, stop: () => service.stop() };
}

/** The count of one outcome in the subscriber's `ingest_messages_total`. */
export async function outcomeCount(subscriber: RunningSubscriber, outcome: string): Promise<number> {
  return (await subscriber.metrics.messages.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined, text };
}

/** The sum of a metric's samples on a registry, optionally only those with the given labels. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}, sampleName = name): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((v) => ((v as { metricName?: string }).metricName ?? name) === sampleName && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** A request fetch() would refuse to send (TRACE, unknown methods, bytes outside ASCII in a header), through node:http. */
export async function rawRequest(url: string, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface RunningPipeline {
  database: TestDatabase;
  messaging: TestMessaging;
  publisher: RunningPublisher;
  subscriber: RunningSubscriber;
  stop(): Promise<void>;
}

/** A database and a topology of their own, with both services wired to them as `main` wires them. */
export async function startPipeline(): Promise<RunningPipeline> {
  const database = await createTestDatabase();
  const messaging = await createTestMessaging();
  const env = { DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint };
  const publisher = await startPublisher({ ...env, ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}` });
  const subscriber = await startSubscriber({ ...env, QUEUE_URL: messaging.queueUrl });
  return {
    database,
    messaging,
    publisher,
    subscriber,
    stop: async () => {
      await subscriber.stop();
      await publisher.stop();
      messaging.destroy();
      await database.drop();
    },
  };
}
