import nock from 'nock';
import { createTestDatabase, type TestDatabase } from './support/database';
import { metricValue, postJson, startPublisher, type RunningPublisher } from './support/services';

const SNS = 'https://sns.us-east-1.amazonaws.com';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:data-ingestion-topic';

const errorXml = (code: string, type = 'Sender') =>
  `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
const publishOkXml =
  '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></PublishResponse>';

/** SNS faults are injected at the HTTP layer; the publisher runs with the real SDK client and its retry policy. */
describe('publisher when SNS throttles or fails', () => {
  let database: TestDatabase;
  let publisher: RunningPublisher;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, AWS_ENDPOINT_URL: SNS, ALLOWED_TOPICS: `data-ingestion-topic=${TOPIC_ARN}` };
    // Each test file gets its own nock; (re)activate it and restore plain http afterwards.
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    publisher = await startPublisher({ ...env, PUBLISH_BATCHING: 'false', SNS_MAX_ATTEMPTS: '3' });
  });

  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    nock.restore();
    await publisher?.stop();
    await database?.drop();
  });

  const post = () => postJson(`${publisher.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message: { n: 1 } });

  it('When SNS throttles twice and then accepts, then the SDK retries and the client gets 202', async () => {
    const scope = nock(SNS).post('/').times(2).reply(400, errorXml('Throttling')).post('/').reply(200, publishOkXml);
    const response = await post();
    expect(response.status).toBe(202);
    expect(scope.isDone()).toBe(true);
  });

  it('When SNS keeps throttling, then after the retries the client gets 503 publish_throttled with Retry-After', async () => {
    const scope = nock(SNS).post('/').times(3).reply(400, errorXml('Throttling'));
    const response = await post();
    expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 503, code: 'publish_throttled' });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(scope.isDone()).toBe(true);
  });

  it('When SNS answers 5xx on every attempt, then the client gets 503 publish_unavailable with Retry-After', async () => {
    const scope = nock(SNS).post('/').times(3).reply(500, errorXml('InternalError', 'Receiver'));
    const response = await post();
    expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 503, code: 'publish_unavailable' });
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(scope.isDone()).toBe(true);
  });

  it('When SNS cannot be reached at all, then the client gets 503, not 500', async () => {
    // Port 9 (discard) on loopback: connection refused, a real network failure.
    const unreachable = await startPublisher({ ...env, PUBLISH_BATCHING: 'false', SNS_MAX_ATTEMPTS: '2', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    try {
      const response = await postJson(`${unreachable.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message: 1 });
      expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 503, code: 'publish_unavailable' });
    } finally {
      await unreachable.stop();
    }
  });

  it('When SNS rejects the request itself (not retryable), then it is tried once and the client gets 503', async () => {
    const scope = nock(SNS).post('/').once().reply(403, errorXml('AuthorizationError'));
    const response = await post();
    expect(response.status).toBe(503);
    expect(scope.isDone()).toBe(true);
    expect(await metricValue(publisher.service.registry, 'sns_publish_total', { outcome: 'failed' })).toBeGreaterThan(0);
  });

  it('When SNS fails some items of a batch and acknowledges others, then 207 says which, the failed ones with retry_after_seconds', async () => {
    const scope = nock(SNS).post('/').reply(200, publishOkXml).post('/').times(3).reply(500, errorXml('InternalError', 'Receiver'));
    // Items are published in order with batching off, so the first takes the OK answer.
    const response = await postJson(`${publisher.url}/ingresar-datos/lote`, [
      { topic_arn: 'data-ingestion-topic', message: 1 },
      { topic_arn: 'data-ingestion-topic', message: 2 },
    ]);
    expect(response.status).toBe(207);
    expect(response.json.items.map((i: any) => [i.status, i.error?.code, i.retry_after_seconds])).toEqual([
      [202, undefined, undefined],
      [503, 'publish_unavailable', 5],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('When SNS fails every item of a batch, then 503 with Retry-After, the error shape and every item answered', async () => {
    const scope = nock(SNS).post('/').times(6).reply(400, errorXml('Throttling'));
    const response = await postJson(`${publisher.url}/ingresar-datos/lote`, [
      { topic_arn: 'data-ingestion-topic', message: 1 },
      { topic_arn: 'data-ingestion-topic', message: 2 },
    ]);
    expect({ status: response.status, code: response.json.error.code, retryAfter: response.headers.get('retry-after') }).toEqual({ status: 503, code: 'publish_throttled', retryAfter: '2' });
    expect(response.json.items.map((i: any) => i.status)).toEqual([503, 503]);
    expect(scope.isDone()).toBe(true);
  });
});
