import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createDatabase } from '@pubsub-ingest/common';
import { createHandler, handler } from '../subscriber/src/lambda/handler';
import { createTestDatabase, databaseConfig, type TestDatabase } from './support/database';
import { encodeMessage, type EncodedMessage } from './support/messages';
import { silentLogger } from './support/services';

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

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  const stored = async (ids: string[]) =>
    (await database.pool.query('select transaction_id from records where transaction_id = any($1::uuid[])', [ids])).rows.length;

  it('When every record of the batch is valid, then all are stored and no failure is reported', async () => {
    const messages = [encodeMessage({ a: 1 }), encodeMessage('text'), encodeMessage([1, 2, 3], { attributes: { k: 'v' } })];
    const event: SQSEvent = { Records: messages.map((m, i) => sqsRecord(m, `m-${i}`)) };

    const result = await createHandler({ db: database.db, logger: silentLogger })(event);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await stored(messages.map((m) => m.transactionId))).toBe(3);
  });

  it('When one record is poison, then only it is reported as a batch item failure', async () => {
    const good = [encodeMessage({ b: 1 }), encodeMessage({ b: 2 })];
    const event: SQSEvent = {
      Records: [sqsRecord(good[0]!, 'good-0'), sqsRecord({ body: 'junk', attributes: {} }, 'poison-1'), sqsRecord(good[1]!, 'good-2')],
    };

    const result = await createHandler({ db: database.db, logger: silentLogger })(event);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison-1' }] });
    expect(await stored(good.map((m) => m.transactionId))).toBe(2);
  });

  it('When a record is redelivered, then it is acknowledged without a second row', async () => {
    const message = encodeMessage({ again: true });
    const run = createHandler({ db: database.db, logger: silentLogger });
    await run({ Records: [sqsRecord(message, 'first')] });

    const result = await run({ Records: [sqsRecord(message, 'second'), sqsRecord(message, 'third')] });

    expect(result.batchItemFailures).toEqual([]);
    expect(await stored([message.transactionId])).toBe(1);
  });

  it('When the database is unreachable, then every record is reported as failed', async () => {
    const unreachable = createDatabase(databaseConfig('postgres://postgres:x@127.0.0.1:9/none', 1));
    try {
      const event: SQSEvent = { Records: [sqsRecord(encodeMessage(1), 'x-1'), sqsRecord(encodeMessage(2), 'x-2')] };
      const result = await createHandler({ db: unreachable.db, logger: silentLogger })(event);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'x-1' }, { itemIdentifier: 'x-2' }]);
    } finally {
      await unreachable.destroy();
    }
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
