import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDatabase, databaseEnv, migrateToLatest, readEnv } from '@pubsub-ingest/common';
import { z } from 'zod';
import { startEmulator, type EmulatorServer } from './emulator-server';
import { awsClientConfig, EMULATOR_CREDENTIALS, REGION } from './aws-client-config';
import { spawnServer } from './child-server';
import { DEFAULT_NAMES, provisionMessaging, type Messaging, type MessagingNames } from './provision';


export interface LocalStack {
  postgres: { url: string; port: number };
  emulator: EmulatorServer;
  messaging: Messaging;
  /** Environment for both services, pointing them at this stack through standard settings only. */
  serviceEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir: string;
  postgresPort: number;
  emulatorPort: number;
  names?: MessagingNames;
  /** Called as each step starts and ends, for progress output. */
  progress?: (step: string, done?: { ms: number }) => void;
}

async function step<T>(name: string, progress: LocalStackOptions['progress'], run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  progress?.(name);
  const result = await run();
  progress?.(name, { ms: Date.now() - started });
  return result;
}

/** Starts Postgres and the SNS/SQS emulator, creates the topology and the schema. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { progress } = options;
  const names = options.names ?? DEFAULT_NAMES;
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  };
  try {
    const postgresServer = await step('Starting Postgres (embedded, 127.0.0.1)', progress, () =>
      spawnServer<{ url: string; port: number }>(['postgres', join(options.dataDir, 'postgres'), String(options.postgresPort)]),
    );
    started.push(postgresServer);
    const postgres = postgresServer.info;
    const emulator = await step('Starting the SNS/SQS emulator (fauxqs, 127.0.0.1)', progress, () =>
      startEmulator({ port: options.emulatorPort, region: REGION }),
    );
    started.push(emulator);

    const messaging = await step('Creating topic, queue, dead-letter queue and subscription', progress, async () => {
      const sns = new SNSClient(awsClientConfig(emulator.endpoint));
      const sqs = new SQSClient(awsClientConfig(emulator.endpoint));
      try {
        return await provisionMessaging(sns, sqs, names);
      } finally {
        sns.destroy();
        sqs.destroy();
      }
    });

    await step('Applying database migrations', progress, async () => {
      const database = createDatabase(readEnv(z.object(databaseEnv), { DATABASE_URL: postgres.url, DATABASE_POOL_SIZE: '1' }));
      try {
        await migrateToLatest(database.db);
      } finally {
        await database.destroy();
      }
    });

    const serviceEnv: Record<string, string> = {
      ...EMULATOR_CREDENTIALS,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulator.endpoint,
      DATABASE_URL: postgres.url,
      ALLOWED_TOPICS: `${names.topic}=${messaging.topicArn}`,
      QUEUE_URL: messaging.queueUrl,
    };
    return { postgres, emulator, messaging, serviceEnv, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
