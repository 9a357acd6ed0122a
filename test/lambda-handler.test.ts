import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { REGION } from '@pubsub-ingest/local-stack';
import { createLambdaRuntime, ingestEvent, lambdaHandler as handler, loadLambdaConfig, SubscriberMetrics, type LambdaRuntime } from '@pubsub-ingest/subscriber';
import { createTestDatabase, type TestDatabase } from './support/database';
import { encodeMessage, type EncodedMessage } from './support/messages';
import { silentLogger } from './support/services';

/** A Lambda instance's runtime, configured from the environment as the function is; its metrics kept in memory, not written as EMF. */
const runtimeFor = (env: Record<string, string>): LambdaRuntime =>
  createLambdaRuntime(loadLambdaConfig({ AWS_REGION: REGION, LOG_LEVEL: 'silent', ...env }), {
    logger: silentLogger,
    metrics: Object.assign(new SubscriberMetrics({ defaultMetrics: false }), { flush: () => undefined }),
  });

/** An SQS event record as Lambda delivers it for a raw-delivery subscription. */
function sqsRecord(message: Pick<EncodedMessage, 'body' | 'attributes'>, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, value]) => [name, { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' }]),
    ),
    md5OfBody: '0'.repeat(32),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:data-ingestion-queue',
    awsRegion: 'us-east-1',
  };
}

describe('Lambda handler on an SQS event source', () => {
  let database: TestDatabase;
  let runtime: LambdaRuntime;

  beforeAll(async () => {
    database = await createTestDatabase();
    runtime = runtimeFor({ DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await runtime?.database.destroy();
    await database?.drop();
  });

  const stored = async (ids: string[]) =>
    (await database.pool.query('select transaction_id from records where transaction_id = any($1::uuid[])', [ids])).rows.length;

  it('When every record of the batch is valid, then all are stored and no failure is reported', async () => {
    const messages = [encodeMessage({ a: 1 }), encodeMessage('text'), encodeMessage([1, 2, 3], { attributes: { k: 'v' } })];
    const event: SQSEvent = { Records: messages.map((m, i) => sqsRecord(m, `m-${i}`)) };

    const result = await ingestEvent(runtime, event);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await stored(messages.map((m) => m.transactionId))).toBe(3);
  });

  it('When one record is poison, then only it is reported as a batch item failure', async () => {
    const good = [encodeMessage({ b: 1 }), encodeMessage({ b: 2 })];
    const event: SQSEvent = {
      Records: [sqsRecord(good[0]!, 'good-0'), sqsRecord({ body: 'junk', attributes: {} }, 'poison-1'), sqsRecord(good[1]!, 'good-2')],
    };

    const result = await ingestEvent(runtime, event);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison-1' }] });
    expect(await stored(good.map((m) => m.transactionId))).toBe(2);
  });

  it('When a record is redelivered, then it is acknowledged without a second row', async () => {
    const message = encodeMessage({ again: true });
    await ingestEvent(runtime, { Records: [sqsRecord(message, 'first')] });

    const result = await ingestEvent(runtime, { Records: [sqsRecord(message, 'second'), sqsRecord(message, 'third')] });

    expect(result.batchItemFailures).toEqual([]);
    expect(await stored([message.transactionId])).toBe(1);
  });

  it('When the database is unreachable, then every record is reported as failed', async () => {
    const unreachable = runtimeFor({ DATABASE_URL: 'postgres://postgres:x@127.0.0.1:9/none', DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    try {
      const event: SQSEvent = { Records: [sqsRecord(encodeMessage(1), 'x-1'), sqsRecord(encodeMessage(2), 'x-2')] };
      const result = await ingestEvent(unreachable, event);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'x-1' }, { itemIdentifier: 'x-2' }]);
    } finally {
      await unreachable.database.destroy();
    }
  });

  it('When one record of a batch is refused by the database, then only it is reported, and the others are stored', async () => {
    const good = [encodeMessage({ ok: 1 }), encodeMessage({ ok: 2 })];
    // Within the contract as far as the subscriber checks it, but not JSON: Postgres refuses the row (SQLSTATE 22P02).
    const refused = { ...encodeMessage({}), body: '{"n": 01}' };
    const event: SQSEvent = { Records: [sqsRecord(good[0]!, 'g-0'), sqsRecord(refused, 'refused-1'), sqsRecord(good[1]!, 'g-2')] };

    const result = await ingestEvent(runtime, event);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'refused-1' }] });
    expect(await stored(good.map((m) => m.transactionId))).toBe(2);
    expect(await stored([refused.transactionId])).toBe(0);
  });

  it('When the exported handler runs with its configuration from the environment, then it stores the batch', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'us-east-1', DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
    try {
      const message = encodeMessage({ entry: 'point' });
      expect(await handler({ Records: [sqsRecord(message, 'env-1')] })).toEqual({ batchItemFailures: [] });
      expect(await stored([message.transactionId])).toBe(1);
    } finally {
      process.env = saved;
    }
  });
});
