import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, DEFAULT_NAMES, provisionMessaging, startLocalStack, type Messaging, type MessagingNames } from '@pubsub-ingest/local-stack';
import { Pool } from 'pg';
import { killOnExit } from './processes';
import { progress } from './progress';

export interface Stack {
  postgresUrl: string;
  postgresVersion: string;
  endpoint: string;
  messaging: Messaging;
  /** The logical topic name producers use; the SNS topic behind it changes with `freshMessaging`. */
  topicName: string;
  /** The server processes, for CPU metering. */
  postgres: { pid: number };
  emulator: { pid: number };
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

const namesOf = (generation: number, visibilityTimeoutSeconds = DEFAULT_NAMES.visibilityTimeoutSeconds): MessagingNames => ({
  ...DEFAULT_NAMES,
  visibilityTimeoutSeconds,
  topic: `${DEFAULT_NAMES.topic}-${generation}`,
  queue: `${DEFAULT_NAMES.queue}-${generation}`,
  deadLetterQueue: `${DEFAULT_NAMES.deadLetterQueue}-${generation}`,
});

function pidOf(name: string, child: { pid?: number | undefined }): { pid: number } {
  if (child.pid === undefined) throw new Error(`${name} has no process`);
  return { pid: child.pid };
}

/** The local stack (`@pubsub-ingest/local-stack`) in a throwaway directory, with what the scenarios need on top. */
export async function startBenchStack(): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pubsub-ingest-bench-'));
  const local = await startLocalStack({
    dataDir,
    provision: namesOf(0),
    progress: (step, done) => (done ? progress.done(`${step} (${done.ms} ms)`) : progress.step(step)),
  }).catch(async (err: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  killOnExit(local.postgres.process);
  killOnExit(local.emulator.process);
  const endpoint = local.emulator.info.endpoint;
  const sns = new SNSClient(awsClientConfig(endpoint));
  const sqs = new SQSClient(awsClientConfig(endpoint));
  const pool = new Pool({ connectionString: local.postgres.info.url, max: 2, application_name: 'pubsub-ingest-bench' });
  pool.on('error', () => undefined);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await pool.end().catch(() => undefined);
      sns.destroy();
      sqs.destroy();
      await local.stop();
      await rm(dataDir, { recursive: true, force: true });
    })());

  try {
    const { rows } = await pool.query<{ version: string }>(`select current_setting('server_version') as version`);
    let generation = 0;
    const stack: Stack = {
      postgresUrl: local.postgres.info.url,
      postgresVersion: rows[0]?.version ?? 'unknown',
      endpoint,
      messaging: local.messaging!,
      topicName: DEFAULT_NAMES.topic,
      postgres: pidOf('postgres', local.postgres.process),
      emulator: pidOf('emulator', local.emulator.process),
      sns,
      sqs,
      pool,
      serviceEnv: { ...local.serviceEnv, ALLOWED_TOPICS: `${DEFAULT_NAMES.topic}=${local.messaging!.topicArn}`, LOG_LEVEL: 'warn' },
      countRecords: async () => Number((await pool.query<{ n: string }>('select count(*) as n from records')).rows[0]?.n ?? 0),
      truncateRecords: async () => void (await pool.query('truncate records')),
      queueDepth: async () => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: stack.messaging.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      },
      emptyQueue: async () => {
        for (let attempt = 0; attempt < 50; attempt++) {
          await sqs.send(new PurgeQueueCommand({ QueueUrl: stack.messaging.queueUrl }));
          if ((await stack.queueDepth()) === 0) return;
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
    progress.done(`stack ready: Postgres ${stack.postgresVersion} at 127.0.0.1:${local.postgres.info.port}, fauxqs at ${endpoint}`);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
