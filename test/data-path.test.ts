import type { TestDatabase } from './support/database';
import type { TestMessaging } from './support/messaging';
import { outcomeCount, postJson, startPipeline, waitFor, type RunningPipeline, type RunningPublisher, type RunningSubscriber } from './support/services';

describe('the data path: HTTP → SNS → SQS → Postgres → HTTP', () => {
  let pipeline: RunningPipeline;
  let database: TestDatabase;
  let messaging: TestMessaging;
  let publisher: RunningPublisher;
  let subscriber: RunningSubscriber;

  beforeAll(async () => {
    pipeline = await startPipeline();
    ({ database, messaging, publisher, subscriber } = pipeline);
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  const getRecord = (id: string, headers: Record<string, string> = {}) => fetch(`${publisher.url}/data/${id}`, { headers });
  const waitForRecord = (id: string) =>
    waitFor(`record ${id}`, async () => {
      const response = await getRecord(id);
      return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
    });

  it.each([
    ['an object', { sensor: 'th-17', readings: [21.5, 21.7], nested: { ok: true, note: 'ñ ✓ "quoted"' } }],
    ['a string', 'plain text, not JSON: {"a":'],
    ['a number', 42.125],
    ['an array', [1, 'two', { three: 3 }]],
    ['a boolean', false],
  ])('When %s is posted with attributes, then GET returns it exactly as posted', async (_, message) => {
    const posted = await postJson(`${publisher.url}/ingresar-datos`, {
      topic_arn: messaging.topicName,
      message,
      attributes: { source: 'plant-3', 'shift.id': 'night' },
    });

    expect(posted.status).toBe(202);
    expect(posted.json).toEqual({ status: 'OK', transaction_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(posted.headers.get('location')).toBe(`/data/${posted.json.transaction_id}`);

    const record = await waitForRecord(posted.json.transaction_id);
    expect(record).toEqual({
      transaction_id: posted.json.transaction_id,
      topic: messaging.topicName,
      message,
      attributes: { source: 'plant-3', 'shift.id': 'night' },
      published_at: expect.any(String),
      received_at: expect.any(String),
    });
    expect(Date.parse(record.received_at as string)).toBeGreaterThanOrEqual(Date.parse(record.published_at as string) - 1000);
  });

  it('When the topic is named by its full ARN, then the record carries the logical name', async () => {
    const posted = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicArn, message: { by: 'arn' } });
    expect(posted.status).toBe(202);
    expect((await waitForRecord(posted.json.transaction_id)).topic).toBe(messaging.topicName);
  });

  it('When the transaction ids of several posts are compared, then they are time-ordered UUIDv7s', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: i })).json.transaction_id);
    for (const id of ids) expect(id[14]).toBe('7');
    expect([...ids].sort()).toEqual(ids);
  });

  it('When the same Idempotency-Key is posted twice, then both answers carry one id and one record is stored', async () => {
    const message = { order: 4711, retried: true };
    const first = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message }, { 'Idempotency-Key': 'order-4711' });
    const second = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message }, { 'Idempotency-Key': 'order-4711' });
    expect(first.status).toBe(202);
    expect(second.json.transaction_id).toBe(first.json.transaction_id);

    await waitForRecord(first.json.transaction_id);
    // Both publishes reach the subscriber; wait until the second one has been seen too.
    await waitFor('the duplicate delivery', async () => (await outcomeCount(subscriber, 'duplicate')) >= 1);
    const { rows } = await database.pool.query(`select transaction_id from records where message::jsonb = $1::jsonb`, [JSON.stringify(message)]);
    expect(rows).toEqual([{ transaction_id: first.json.transaction_id }]);
  });

  it('When a record is read again with its ETag, then the answer is 304 and the record is marked immutable', async () => {
    const posted = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: 'cache me' });
    await waitForRecord(posted.json.transaction_id);
    const first = await getRecord(posted.json.transaction_id);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toContain('immutable');

    // fetch() would add `Cache-Control: no-cache` to a conditional request, which rightly disables 304s.
    const again = await getRecord(posted.json.transaction_id, { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });
});
