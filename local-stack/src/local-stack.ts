import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDatabase, databaseEnv, migrateToLatest, readEnv } from '@pubsub-ingest/common';
import { z } from 'zod';
import { awsClientConfig, EMULATOR_CREDENTIALS, REGION } from './aws-client-config';
import { DEFAULT_NAMES, provisionMessaging, type Messaging, type MessagingNames } from './provision';
import { startEmulatorServer, startPostgresServer, type EmulatorKind, type EmulatorServer, type PostgresServer } from './servers';

export interface LocalStack {
  postgres: PostgresServer;
  emulator: EmulatorServer;
  /** The default topology, when the stack was asked to provision it. */
  messaging: Messaging | undefined;
  /** Environment for both services, pointing them at this stack through standard settings only. */
  serviceEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir: string;
  /** Default: a free port. */
  postgresPort?: number;
  /** Default: a free port. */
  emulatorPort?: number;
  emulator?: EmulatorKind;
  motoServer?: string;
  /** Create this topology and migrate the `postgres` database (what `npm start` does); `false` leaves both to the caller (tests). */
  provision?: MessagingNames | false;
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

/** The one way to start the local stack: Postgres and the SNS/SQS emulator, each in its own process, then the topology and the schema. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { progress } = options;
  const names = options.provision === undefined ? DEFAULT_NAMES : options.provision;
  const kind = options.emulator ?? 'fauxqs';
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  };
  try {
    const [postgres, emulator] = await step(`Starting Postgres (embedded) and the SNS/SQS emulator (${kind}) on 127.0.0.1`, progress, async () => {
      const servers = await Promise.allSettled([
        startPostgresServer({ dataDir: join(options.dataDir, 'postgres'), ...(options.postgresPort ? { port: options.postgresPort } : {}) }),
        startEmulatorServer({ kind, ...(options.emulatorPort ? { port: options.emulatorPort } : {}), ...(options.motoServer ? { motoServer: options.motoServer } : {}) }),
      ]);
      for (const s of servers) if (s.status === 'fulfilled') started.push(s.value);
      const failed = servers.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return [(servers[0] as PromiseFulfilledResult<PostgresServer>).value, (servers[1] as PromiseFulfilledResult<EmulatorServer>).value] as const;
    });

    let messaging: Messaging | undefined;
    if (names) {
      messaging = await step('Creating topic, queue, dead-letter queue and subscription', progress, async () => {
        const sns = new SNSClient(awsClientConfig(emulator.info.endpoint));
        const sqs = new SQSClient(awsClientConfig(emulator.info.endpoint));
        try {
          return await provisionMessaging(sns, sqs, names);
        } finally {
          sns.destroy();
          sqs.destroy();
        }
      });
      await step('Applying database migrations', progress, async () => {
        const database = createDatabase(readEnv(z.object(databaseEnv), { DATABASE_URL: postgres.info.url, DATABASE_POOL_SIZE: '1' }));
        try {
          await migrateToLatest(database.db);
        } finally {
          await database.destroy();
        }
      });
    }

    const serviceEnv: Record<string, string> = {
      ...EMULATOR_CREDENTIALS,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulator.info.endpoint,
      DATABASE_URL: postgres.info.url,
      // Everything listens on 127.0.0.1 only; the production values turn authentication on.
      AUTH_MODE: 'off',
      ...(names && messaging ? { ALLOWED_TOPICS: `${names.topic}=${messaging.topicArn}`, QUEUE_URL: messaging.queueUrl } : {}),
    };
    return { postgres, emulator, messaging, serviceEnv, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
