import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLogger, type DatabaseHandle } from '@pubsub-ingest/common';
import { awsClientConfig } from '../../local-stack/src/aws-client-config';
import { createApp } from '../../publisher/src/app';
import { PublisherMetrics } from '../../publisher/src/http/metrics';
import { createPublisher } from '../../publisher/src/ingest/create-publisher';
import { TopicAllowList } from '../../publisher/src/ingest/topic-allow-list';
import { BatchWriter } from '../../subscriber/src/ingest/batch-writer';
import { storeMessages } from '../../subscriber/src/ingest/ingest-core';
import { SubscriberMetrics } from '../../subscriber/src/metrics';
import { QueueConsumer, type QueueConsumerOptions } from '../../subscriber/src/poller/queue-consumer';

export const silentLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

export interface RunningPublisher {
  url: string;
  metrics: PublisherMetrics;
  sns: SNSClient;
  close(): Promise<void>;
}

/** The publisher app on a loopback port of its own, with real clients. */
export async function startPublisher(options: {
  database: Pick<DatabaseHandle, 'pool'>;
  topics: Record<string, string>;
  sns?: SNSClientConfig;
  endpoint?: string;
  batching?: boolean;
  maxInFlight?: number;
  lingerMs?: number;
}): Promise<RunningPublisher> {
  const sns = new SNSClient({ ...(options.endpoint ? awsClientConfig(options.endpoint) : {}), ...options.sns });
  const metrics = new PublisherMetrics({ defaultMetrics: false });
  const publisher = createPublisher(
    { PUBLISH_BATCHING: options.batching ?? true, PUBLISH_LINGER_MS: options.lingerMs ?? 2, PUBLISH_MAX_IN_FLIGHT: options.maxInFlight ?? 1000 },
    sns,
    metrics,
    silentLogger,
  );
  const app = createApp({
    logger: silentLogger,
    pool: options.database.pool,
    publisher,
    topics: new TopicAllowList(new Map(Object.entries(options.topics))),
    metrics,
    readinessChecks: [],
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    metrics,
    sns,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await publisher.close();
      sns.destroy();
    },
  };
}

export interface RunningConsumer {
  consumer: QueueConsumer;
  metrics: SubscriberMetrics;
  stop(): Promise<void>;
}

/** The subscriber's consumer with real SQS and Postgres clients. */
export function startConsumer(options: {
  database: Pick<DatabaseHandle, 'db'>;
  endpoint: string;
  queueUrl: string;
  consumer?: Partial<QueueConsumerOptions>;
  batch?: { maxBatch?: number; lingerMs?: number };
}): RunningConsumer {
  const sqs = new SQSClient(awsClientConfig(options.endpoint));
  const metrics = new SubscriberMetrics({ defaultMetrics: false });
  const writer = new BatchWriter((messages) => storeMessages(options.database.db, messages), {
    maxBatch: options.batch?.maxBatch ?? 200,
    lingerMs: options.batch?.lingerMs ?? 5,
    concurrency: 2,
  });
  const consumer = new QueueConsumer(
    sqs,
    writer,
    { queueUrl: options.queueUrl, pollers: 2, waitSeconds: 1, maxMessages: 10, visibilityTimeoutSeconds: 30, maxInFlight: 500, ...options.consumer },
    metrics,
    silentLogger,
  );
  consumer.start();
  return {
    consumer,
    metrics,
    stop: async () => {
      await consumer.stop();
      sqs.destroy();
    },
  };
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

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}
