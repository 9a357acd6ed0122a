import { createTestDatabase, type TestDatabase } from './support/database';
import { encodeMessage } from './support/messages';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { outcomeCount, startSubscriber, waitFor, type RunningSubscriber } from './support/services';

describe('subscriber delivery semantics', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;
  let subscriber: RunningSubscriber;

  beforeAll(async () => {
    database = await createTestDatabase();
    // A short visibility timeout and two receives before the DLQ keep the poison test quick.
    messaging = await createTestMessaging({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
    subscriber = await startSubscriber({ DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl, VISIBILITY_TIMEOUT_SECONDS: '1' });
  });

  afterAll(async () => {
    await subscriber?.stop();
    messaging?.destroy();
    await database?.drop();
  });

  const stored = async (id: string) => (await database.pool.query('select count(*)::int as n from records where transaction_id = $1', [id])).rows[0].n as number;

  it('When the same message is delivered twice, then one record is stored and the copy is acknowledged as a duplicate', async () => {
    const message = encodeMessage({ twice: true });
    await messaging.sendRaw(message.body, message.attributes);
    await waitFor('the first copy', async () => (await stored(message.transactionId)) === 1);
    const duplicatesBefore = await outcomeCount(subscriber, 'duplicate');
    await messaging.sendRaw(message.body, message.attributes);

    await waitFor('the second copy', async () => (await outcomeCount(subscriber, 'duplicate')) > duplicatesBefore);
    expect(await stored(message.transactionId)).toBe(1);
  });

  it('When a message arrives in the SNS JSON envelope (raw delivery off), then it is stored too', async () => {
    const message = encodeMessage({ enveloped: true }, { attributes: { source: 'legacy' } });
    const envelope = {
      Type: 'Notification',
      MessageId: 'f3c1f7b4-0000-4000-8000-000000000001',
      TopicArn: messaging.topicArn,
      Message: message.body,
      Timestamp: new Date().toISOString(),
      MessageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([k, v]) => [k, { Type: 'String', Value: v }])),
    };
    await messaging.sendRaw(JSON.stringify(envelope), {});
    await waitFor('the enveloped record', async () => (await stored(message.transactionId)) === 1);
    const { rows } = await database.pool.query('select message, attributes from records where transaction_id = $1', [message.transactionId]);
    expect(rows[0]).toEqual({ message: { enveloped: true }, attributes: { source: 'legacy' } });
  });

  it('When poison messages arrive among good ones, then the good ones are stored and the poison reaches the dead-letter queue', async () => {
    const good = [encodeMessage({ good: 1 }), encodeMessage({ good: 2 }), encodeMessage('good three')];
    const poison = [
      { body: 'no attributes at all', attributes: {} },
      { body: '{"not": "json"', attributes: { ...encodeMessage({}).attributes } },
      { body: '{}', attributes: { ...encodeMessage({}).attributes, 'ingest.schema_version': '99' } },
    ];
    for (const m of [good[0]!, poison[0]!, good[1]!, poison[1]!, poison[2]!, good[2]!]) await messaging.sendRaw(m.body, m.attributes);

    const collected: { body: string }[] = [];
    for (const m of good) await waitFor(`good message ${m.transactionId}`, async () => (await stored(m.transactionId)) === 1);
    const dead = await waitFor(
      'three poison messages in the DLQ',
      async () => {
        const found = await messaging.drain(messaging.deadLetterQueueUrl, 1);
        collected.push(...found);
        return collected.length >= 3 ? collected : undefined;
      },
      30_000,
      500,
    );
    expect(dead.map((m) => m.body).sort()).toEqual(poison.map((m) => m.body).sort());
  });
});
