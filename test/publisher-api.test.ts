import { SNS_MAX_MESSAGE_BYTES } from '@pubsub-ingest/common';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { metricValue, postJson, startPublisher, type RunningPublisher } from './support/services';

describe('publisher API: bad input gets a structured error, never a 500', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;
  let publisher: RunningPublisher;
  let ingestUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    messaging = await createTestMessaging();
    publisher = await startPublisher({ DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}` });
    ingestUrl = `${publisher.url}/ingresar-datos`;
  });

  afterAll(async () => {
    await publisher?.stop();
    messaging?.destroy();
    await database?.drop();
  });

  const raw = (body: string, contentType = 'application/json') =>
    fetch(ingestUrl, { method: 'POST', headers: { 'Content-Type': contentType }, body });

  const expectError = async (response: Response | { status: number; json: any }, status: number, code: string) => {
    const json = response instanceof Response ? await response.json() : response.json;
    expect({ status: response.status, code: json?.error?.code }).toEqual({ status, code });
    expect(typeof json.error.message).toBe('string');
    return json.error;
  };

  it('When the body is not JSON, then 400 malformed_json', async () => {
    await expectError(await raw('{"topic_arn": "x", '), 400, 'malformed_json');
  });

  it('When the content type is not JSON, then 415 unsupported_media_type', async () => {
    await expectError(await raw('topic_arn=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  });

  it('When the body is larger than any SNS message could be, then 413 payload_too_large', async () => {
    const huge = JSON.stringify({ topic_arn: messaging.topicName, message: 'x'.repeat(2 * SNS_MAX_MESSAGE_BYTES) });
    await expectError(await raw(huge), 413, 'payload_too_large');
  });

  it('When the message with its attributes exceeds 256 KiB, then 413 payload_too_large', async () => {
    const response = await postJson(ingestUrl, { topic_arn: messaging.topicName, message: 'x'.repeat(SNS_MAX_MESSAGE_BYTES - 100) });
    const error = await expectError(response, 413, 'payload_too_large');
    expect(error.message).toContain(String(SNS_MAX_MESSAGE_BYTES));
  });

  it('When a message just under the limit is posted, then it is accepted', async () => {
    const response = await postJson(ingestUrl, { topic_arn: messaging.topicName, message: 'x'.repeat(SNS_MAX_MESSAGE_BYTES - 1000) });
    expect(response.status).toBe(202);
  });

  it.each([
    ['topic_arn is missing', { message: 1 }, 'topic_arn'],
    ['message is missing', { topic_arn: 't' }, 'message'],
    ['message is null', { topic_arn: 't', message: null }, 'message'],
    ['topic_arn is not a string', { topic_arn: 7, message: 1 }, 'topic_arn'],
    ['an unknown field is sent', { topic_arn: 't', message: 1, colour: 'red' }, 'colour'],
    ['an attribute value is not a string', { topic_arn: 't', message: 1, attributes: { a: 1 } }, 'attributes.a'],
    ['an attribute name is reserved', { topic_arn: 't', message: 1, attributes: { 'ingest.topic': 'x' } }, 'attributes.ingest.topic'],
    ['an attribute name has a bad character', { topic_arn: 't', message: 1, attributes: { 'bad name': 'x' } }, 'attributes.bad name'],
    ['there are too many attributes', { topic_arn: 't', message: 1, attributes: { a: '1', b: '2', c: '3', d: '4', e: '5' } }, 'attributes'],
    ['the body is an array', [1, 2], '(body)'],
  ])('When %s, then 422 validation_failed names the field', async (_, body, field) => {
    const error = await expectError(await postJson(ingestUrl, body), 422, 'validation_failed');
    expect(error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('When the topic is not in the allow-list, then 422 unknown_topic and nothing is published', async () => {
    const published = () => metricValue(publisher.service.registry, 'sns_publish_total');
    const before = await published();
    const error = await expectError(
      await postJson(ingestUrl, { topic_arn: 'arn:aws:sns:us-east-1:000000000000:someone-elses-topic', message: 1 }),
      422,
      'unknown_topic',
    );
    expect(error.details).toEqual([{ field: 'topic_arn', message: 'unknown topic' }]);
    expect(await published()).toBe(before);
  });

  it('When the Idempotency-Key is not visible ASCII, then 400 invalid_idempotency_key', async () => {
    await expectError(await postJson(ingestUrl, { topic_arn: messaging.topicName, message: 1 }, { 'Idempotency-Key': 'x'.repeat(300) }), 400, 'invalid_idempotency_key');
  });

  it('When GET /data/:id has an id that is not a UUID, then 400 invalid_id', async () => {
    await expectError(await fetch(`${publisher.url}/data/not-a-uuid`), 400, 'invalid_id');
  });

  it('When GET /data/:id names a record that is not stored, then 404 not_found that is not cached', async () => {
    const response = await fetch(`${publisher.url}/data/0193a6a0-0000-7000-8000-000000000000`);
    await expectError(response, 404, 'not_found');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('When the database is unreachable, then GET answers 503 database_unavailable with Retry-After', async () => {
    const isolated = await startPublisher({
      DATABASE_URL: 'postgres://postgres:x@127.0.0.1:9/none',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      AWS_ENDPOINT_URL: messaging.endpoint,
      ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}`,
    });
    try {
      const response = await fetch(`${isolated.url}/data/0193a6a0-0000-7000-8000-000000000000`);
      await expectError(response, 503, 'database_unavailable');
      expect(response.headers.get('retry-after')).toBe('2');
    } finally {
      await isolated.stop();
    }
  });

  it('When a route does not exist, then 404 not_found as JSON', async () => {
    await expectError(await fetch(`${publisher.url}/nope`), 404, 'not_found');
  });

  it('When a method is not allowed, then 405 method_not_allowed with Allow', async () => {
    const response = await fetch(ingestUrl, { method: 'GET' });
    await expectError(response, 405, 'method_not_allowed');
    expect(response.headers.get('allow')).toContain('POST');
  });

  it('When the OpenAPI document is requested, then it describes both operations with their error codes', async () => {
    const response = await fetch(`${publisher.url}/openapi.json`);
    const document = (await response.json()) as any;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths['/ingresar-datos'].post.responses)).toEqual(
      expect.arrayContaining(['202', '400', '413', '415', '422', '503']),
    );
    expect(document.components.schemas.IngestRequest.required).toEqual(expect.arrayContaining(['topic_arn', 'message']));
  });

  it('When metrics are scraped, then request counts carry route and status labels', async () => {
    const text = await (await fetch(`${publisher.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{route="\/ingresar-datos",method="POST",status="422"\} \d+/);
    expect(text).toMatch(/http_requests_total\{route="unmatched",method="GET",status="404"\} \d+/);
  });
});
