import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDatabase, databaseEnv, migrateToLatest, readEnv } from '@pubsub-ingest/common';
import { awsClientConfig, DEFAULT_NAMES, EMULATOR_CREDENTIALS, provisionMessaging, REGION, spawnServer, type Messaging, type MessagingNames } from '@pubsub-ingest/local-stack';
import { Pool } from 'pg';
import { z } from 'zod';
import { freePort } from './free-port';
import { track, type TrackedProcess } from './processes';
import { progress } from './progress';

export interface Stack {
  postgresUrl: string;
  postgresVersion: string;
  endpoint: string;
  messaging: Messaging;
  topicName: string;
  emulator: TrackedProcess;
  postgres: TrackedProcess;
  sns: SNSClient;
  sqs: SQSClient;
  /** The bench's own connections, for counting and resetting; never used by a system under test. */
  pool: Pool;
  /** What both services and the peers need to reach this stack: standard settings only. */
  serviceEnv: Record<string, string>;
  countRecords(): Promise<number>;
  truncateRecords(): Promise<void>;
  queueDepth(): Promise<number>;
  /** Empties the queue and waits until it reports nothing visible or in flight. */
  emptyQueue(): Promise<void>;
  /**
   * Switches to a new topic, queue and dead-letter queue (the logical topic name stays). A stopped
   * consumer's abandoned long polls still take messages when they arrive and hide them for the
   * visibility timeout, so every system starts on a queue nobody has polled.
   */
  freshMessaging(options?: { visibilityTimeoutSeconds?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A stack of its own for the run: a real Postgres server and the fauxqs SNS/SQS emulator, each in
 * its own process on 127.0.0.1, with the topology and schema the services expect.
 */
export async function startStack(): Promise<Stack> {
  const workDir = await mkdtemp(join(tmpdir(), 'pubsub-ingest-bench-'));
  // As root, Postgres runs as the postgres OS user, which must be able to enter the data dir's parent.
  await chmod(workDir, 0o755);
  const cleanups: (() => Promise<void>)[] = [async () => rm(workDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    progress.step('starting Postgres (its own process, 127.0.0.1)');
    const pgServer = await spawnServer<{ url: string; port: number }>(['postgres', join(workDir, 'postgres'), String(await freePort())], {
      timeoutMs: 120_000,
    });
    const postgres = track('postgres', pgServer.process, () => pgServer.stop());
    cleanups.push(() => postgres.stop());

    progress.step('starting the SNS/SQS emulator (fauxqs, its own process, 127.0.0.1)');
    const emulatorServer = await spawnServer<{ endpoint: string; port: number }>(['emulator', String(await freePort())]);
    const emulator = track('emulator', emulatorServer.process, () => emulatorServer.stop());
    cleanups.push(() => emulator.stop());
    const endpoint = emulatorServer.info.endpoint;

    const sns = new SNSClient(awsClientConfig(endpoint));
    const sqs = new SQSClient(awsClientConfig(endpoint));
    cleanups.push(async () => {
      sns.destroy();
      sqs.destroy();
    });
    let generation = 0;
    const namesOf = (n: number, visibilityTimeoutSeconds = DEFAULT_NAMES.visibilityTimeoutSeconds): MessagingNames => ({
      ...DEFAULT_NAMES,
      visibilityTimeoutSeconds,
      topic: `${DEFAULT_NAMES.topic}-${n}`,
      queue: `${DEFAULT_NAMES.queue}-${n}`,
      deadLetterQueue: `${DEFAULT_NAMES.deadLetterQueue}-${n}`,
    });
    const messaging = await provisionMessaging(sns, sqs, namesOf(generation));

    const postgresUrl = pgServer.info.url;
    const migrator = createDatabase(readEnv(z.object(databaseEnv), { DATABASE_URL: postgresUrl, DATABASE_POOL_SIZE: '1' }));
    try {
      await migrateToLatest(migrator.db);
    } finally {
      await migrator.destroy();
    }
    const pool = new Pool({ connectionString: postgresUrl, max: 2, application_name: 'pubsub-ingest-bench' });
    pool.on('error', () => undefined);
    cleanups.push(() => pool.end());
    const { rows } = await pool.query<{ version: string }>(`select current_setting('server_version') as version`);

    const queueDepth = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack.messaging.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    };

    progress.done(`stack ready: Postgres ${rows[0]?.version} at 127.0.0.1:${pgServer.info.port}, fauxqs at ${endpoint}`);
    const stack: Stack = {
      postgresUrl,
      postgresVersion: rows[0]?.version ?? 'unknown',
      endpoint,
      messaging,
      topicName: DEFAULT_NAMES.topic,
      emulator,
      postgres,
      sns,
      sqs,
      pool,
      serviceEnv: {
        ...EMULATOR_CREDENTIALS,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL: endpoint,
        DATABASE_URL: postgresUrl,
        ALLOWED_TOPICS: `${DEFAULT_NAMES.topic}=${messaging.topicArn}`,
        QUEUE_URL: messaging.queueUrl,
        LOG_LEVEL: 'warn',
      },
      countRecords: async () => Number((await pool.query<{ n: string }>('select count(*) as n from records')).rows[0]?.n ?? 0),
      truncateRecords: async () => void (await pool.query('truncate records')),
      queueDepth,
      emptyQueue: async () => {
        for (let attempt = 0; attempt < 50; attempt++) {
          await sqs.send(new PurgeQueueCommand({ QueueUrl: stack.messaging.queueUrl }));
          if ((await queueDepth()) === 0) return;
          await sleep(200);
        }
        throw new Error('the queue could not be emptied');
      },
      freshMessaging: async (options = {}) => {
        const old = stack.messaging;
        stack.messaging = await provisionMessaging(sns, sqs, namesOf(++generation, options.visibilityTimeoutSeconds));
        stack.serviceEnv.ALLOWED_TOPICS = `${DEFAULT_NAMES.topic}=${stack.messaging.topicArn}`;
        stack.serviceEnv.QUEUE_URL = stack.messaging.queueUrl;
        // Best effort: only keeps the emulator small.
        await sns.send(new DeleteTopicCommand({ TopicArn: old.topicArn })).catch(() => undefined);
        for (const url of [old.queueUrl, old.deadLetterQueueUrl]) await sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
      },
      stop,
    };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
