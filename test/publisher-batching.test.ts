import nock from 'nock';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { metricValue, postJson, startPublisher, startSubscriber, waitFor, type RunningPublisher } from './support/services';

const SNS = 'https://sns.us-east-1.amazonaws.com';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:data-ingestion-topic';

/**
 * Answers a PublishBatch call: entries whose message contains "fail" fail (SNS's fault), "invalid"
 * fail as the sender's (InvalidParameter), "forgotten" are left out of the reply altogether.
 */
function publishBatchReply(body: string): [number, string] {
  const form = new URLSearchParams(body);
  const successful: string[] = [];
  const failed: string[] = [];
  for (let n = 1; form.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
    const id = form.get(`PublishBatchRequestEntries.member.${n}.Id`)!;
    const message = form.get(`PublishBatchRequestEntries.member.${n}.Message`)!;
    if (message.includes('forgotten')) continue;
    if (message.includes('invalid')) {
      failed.push(`<member><Id>${id}</Id><Code>InvalidParameter</Code><Message>Invalid parameter: Message</Message><SenderFault>true</SenderFault></member>`);
    } else if (message.includes('fail')) {
      failed.push(`<member><Id>${id}</Id><Code>InternalError</Code><Message>boom</Message><SenderFault>false</SenderFault></member>`);
    } else {
      successful.push(`<member><Id>${id}</Id><MessageId>m-${n}</MessageId></member>`);
    }
  }
  return [
    200,
    `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${successful.join('')}</Successful><Failed>${failed.join('')}</Failed></PublishBatchResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishBatchResponse>`,
  ];
}

/** nock hands a reply function the (decompressed) request itself. Replies are delayed like real SNS
 * round trips, so later requests arrive while a call is in flight and gather into the next batch. */
const replyToBatch = async (request: Request) => publishBatchReply(await request.text());

const entriesIn = (body: string) => [...new URLSearchParams(body).keys()].filter((k) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(k)).length;

describe('batched publishing', () => {
  let database: TestDatabase;
  /** The publisher against "SNS" on nock, with the given settings. */
  let faultEnv: (settings: Record<string, string>) => Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    faultEnv = (settings) => ({ DATABASE_URL: database.url, AWS_ENDPOINT_URL: SNS, ALLOWED_TOPICS: `data-ingestion-topic=${TOPIC_ARN}`, ...settings });
  });
  afterAll(async () => database?.drop());

  describe('against SNS faults injected with nock', () => {
    let publisher: RunningPublisher;
    beforeAll(async () => {
      if (!nock.isActive()) nock.activate();
      nock.disableNetConnect();
      nock.enableNetConnect('127.0.0.1');
      publisher = await startPublisher(faultEnv({ PUBLISH_LINGER_MS: '20', SNS_MAX_ATTEMPTS: '2' }));
    });
    afterEach(() => nock.cleanAll());
    afterAll(async () => {
      nock.enableNetConnect();
      nock.restore();
      await publisher?.stop();
    });

    const post = (message: string) => postJson(`${publisher.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message });

    it('When requests arrive together, then they share PublishBatch calls and only the failed entries answer 503', async () => {
      const batchSizes: number[] = [];
      nock(SNS)
        .post('/', (body) => (batchSizes.push(entriesIn(new URLSearchParams(body).toString())), true))
        .times(10)
        .delay(50)
        .reply(replyToBatch);

      const messages = ['a', 'fail-1', 'b', 'c', 'fail-2', 'd', 'e'];
      const responses = await Promise.all(messages.map(post));

      expect(responses.map((r) => r.status)).toEqual(messages.map((m) => (m.startsWith('fail') ? 503 : 202)));
      expect(responses[1]!.json.error.code).toBe('publish_unavailable');
      // 7 entries in one call, then the two failed ones once more: fewer calls than requests.
      expect(batchSizes.length).toBeLessThan(messages.length);
      expect(Math.max(...batchSizes)).toBeGreaterThan(1);
      expect(Math.max(...batchSizes)).toBeLessThanOrEqual(10);
    });

    it('When the reply leaves an entry out, then it is sent once more and, still missing, answers 503 while the others get 202', async () => {
      const sent: string[] = [];
      nock(SNS)
        .post('/', (body) => (sent.push(...[...new URLSearchParams(body).entries()].filter(([k]) => k.endsWith('.Message')).map(([, v]) => v)), true))
        .times(10)
        .delay(20)
        .reply(replyToBatch);
      const responses = await Promise.all(['a', 'forgotten', 'b'].map(post));
      expect(responses.map((r) => r.status)).toEqual([202, 503, 202]);
      expect(responses[1]!.json.error.code).toBe('publish_unavailable');
      expect(sent.filter((m) => m === 'forgotten')).toHaveLength(2);
    });

    it('When SNS refuses an entry as the sender\'s fault, then only that request answers 422 message_rejected, without Retry-After', async () => {
      nock(SNS).post('/').times(10).delay(20).reply(replyToBatch);
      const responses = await Promise.all(['a', 'invalid', 'b'].map(post));
      expect(responses.map((r) => [r.status, r.json.error?.code])).toEqual([[202, undefined], [422, 'message_rejected'], [202, undefined]]);
      expect(responses[1]!.headers.get('retry-after')).toBeNull();
    });

    it('When SNS refuses a whole call for what it carries (400 InvalidParameter), then each request is retried alone and only the one at fault answers 422', async () => {
      const invalidCall = '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: Message</Message></Error><RequestId>r</RequestId></ErrorResponse>';
      nock(SNS)
        .post('/')
        .times(10)
        .delay(20)
        .reply(async (request: Request) => {
          const body = await request.text();
          return body.includes('bad-apple') ? [400, invalidCall] : publishBatchReply(body);
        });
      const responses = await Promise.all(['a', 'bad-apple', 'b', 'c'].map(post));
      expect(responses.map((r) => r.status)).toEqual([202, 422, 202, 202]);
      expect(responses[1]!.json.error.code).toBe('message_rejected');
    });

    it('When more than 10 requests wait, then no call carries more than 10 entries', async () => {
      const batchSizes: number[] = [];
      nock(SNS)
        .post('/', (body) => (batchSizes.push(entriesIn(new URLSearchParams(body).toString())), true))
        .times(20)
        .delay(50)
        .reply(replyToBatch);
      // A long linger, so batches close when they are full rather than when time runs out on a busy machine.
      const patient = await startPublisher(faultEnv({ PUBLISH_LINGER_MS: '1000', SNS_MAX_ATTEMPTS: '2' }));
      try {
        const responses = await Promise.all(
          Array.from({ length: 25 }, (_, i) => postJson(`${patient.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message: `m-${i}` })),
        );
        expect(responses.every((r) => r.status === 202)).toBe(true);
      } finally {
        await patient.stop();
      }
      expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(25);
      expect(Math.max(...batchSizes)).toBe(10);
    });

    it('When messages near 256 KiB wait together, then each call stays within the SNS total of 256 KiB', async () => {
      const bodyBytes: number[] = [];
      nock(SNS)
        .post('/', (body) => {
          const form = new URLSearchParams(body);
          let bytes = 0;
          for (const [key, value] of form) if (/\.Message$/.test(key)) bytes += Buffer.byteLength(value);
          bodyBytes.push(bytes);
          return true;
        })
        .times(10)
        .delay(50)
        .reply(replyToBatch);
      const responses = await Promise.all(Array.from({ length: 3 }, (_, i) => post(`${i}`.repeat(100_000))));
      expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
      expect(bodyBytes.length).toBe(2);
      expect(Math.max(...bodyBytes)).toBeLessThanOrEqual(262_144);
    });

    it('When the whole PublishBatch call is throttled, then every request in it answers 503 publish_throttled', async () => {
      nock(SNS)
        .post('/')
        .times(4)
        .reply(400, '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>');
      const responses = await Promise.all([post('x'), post('y')]);
      expect(responses.map((r) => [r.status, r.json.error.code])).toEqual([
        [503, 'publish_throttled'],
        [503, 'publish_throttled'],
      ]);
      expect(responses[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    });
  });

  it('When more messages wait for SNS than allowed, then the excess is shed with 503 overloaded at once', async () => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    // SNS answers slowly, so the first request holds the only slot.
    nock(SNS).post('/').delay(500).reply(replyToBatch);
    const publisher = await startPublisher(faultEnv({ PUBLISH_MAX_IN_FLIGHT: '1', SNS_MAX_ATTEMPTS: '1' }));
    try {
      const first = postJson(`${publisher.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message: 'slow' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const shed = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message: 'shed' });
      expect({ status: shed.status, code: shed.json.error.code, retryAfter: shed.headers.get('retry-after') }).toEqual({ status: 503, code: 'overloaded', retryAfter: '1' });
      expect((await first).status).toBe(202);
    } finally {
      await publisher.stop();
      nock.cleanAll();
      nock.enableNetConnect();
      nock.restore();
    }
  });

  it('When a request arrives while no call is in flight, then it is sent at once, without waiting for the linger', async () => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock(SNS).post('/').reply(replyToBatch);
    const publisher = await startPublisher(faultEnv({ PUBLISH_LINGER_MS: '1000', SNS_MAX_ATTEMPTS: '1' }));
    try {
      const started = Date.now();
      const response = await postJson(`${publisher.url}/ingresar-datos`, { topic_arn: 'data-ingestion-topic', message: 'alone' });
      expect(response.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await publisher.stop();
      nock.cleanAll();
      nock.enableNetConnect();
      nock.restore();
    }
  });

  describe('against the emulator', () => {
    let messaging: TestMessaging;
    beforeAll(async () => {
      messaging = await createTestMessaging();
    });
    afterAll(() => messaging?.destroy());

    it('When 200 requests are posted concurrently, then every one is stored once and batches were used', async () => {
      const env = { DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint };
      const publisher = await startPublisher({ ...env, ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}` });
      const subscriber = await startSubscriber({ ...env, QUEUE_URL: messaging.queueUrl });
      try {
        const responses = await Promise.all(
          Array.from({ length: 200 }, (_, i) => postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: { i } })),
        );
        expect(responses.every((r) => r.status === 202)).toBe(true);
        const ids = responses.map((r) => r.json.transaction_id as string);
        await waitFor('all 200 records', async () => {
          const { rows } = await database.pool.query('select count(*)::int as n from records where transaction_id = any($1::uuid[])', [ids]);
          return rows[0].n === 200;
        });
        const calls = await metricValue(publisher.service.registry, 'sns_publish_batch_size', {}, 'sns_publish_batch_size_count');
        expect(calls).toBeLessThan(200);
      } finally {
        await subscriber.stop();
        await publisher.stop();
      }
    });
  });
});
