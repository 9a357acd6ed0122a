import { newTransactionId, SNS_MAX_MESSAGE_BYTES, transactionIdForIdempotencyKey } from '@pubsub-ingest/common';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { metricValue, postJson, rawRequest, startPublisher, type RunningPublisher } from './support/services';

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

  it('When a message far past the limit also breaks the contract, then 413: its size is checked before its text is inspected', async () => {
    const entries = Array.from({ length: 2_000 }, (_, i) => `"k${i}": "${'y'.repeat(200)}"`).join(', ');
    const body = `{"topic_arn": "${messaging.topicName}", "message": {"k0": 1, ${entries}}}`;
    await expectError(await raw(body), 413, 'payload_too_large');
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
    ['an attribute is named __proto__', JSON.parse('{"topic_arn": "t", "message": 1, "attributes": {"__proto__": "x"}}'), 'attributes.__proto__'],
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

  it.each([
    ['longer than 255 characters', 'x'.repeat(256)],
    ['empty', ''],
    ['not visible ASCII', 'clé'],
    ['holding a space', 'a b'],
  ])('When the Idempotency-Key is %s, then 400 invalid_idempotency_key', async (_, key) => {
    const response = await rawRequest(ingestUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ topic_arn: messaging.topicName, message: 1 }),
    });
    await expectError(response, 400, 'invalid_idempotency_key');
  });

  it('When an Idempotency-Key is reused with a different message, then 422 idempotency_key_reused, while the same request again is 202 with the same id', async () => {
    const key = { 'Idempotency-Key': `order-${Date.now()}` };
    const first = await postJson(ingestUrl, { topic_arn: messaging.topicName, message: { order: 1 } }, key);
    const again = await postJson(ingestUrl, { topic_arn: messaging.topicName, message: { order: 1 } }, key);
    const other = await postJson(ingestUrl, { topic_arn: messaging.topicName, message: { order: 2 } }, key);
    const otherAttributes = await postJson(ingestUrl, { topic_arn: messaging.topicName, message: { order: 1 }, attributes: { a: 'b' } }, key);
    expect([first.status, again.status, again.json.transaction_id]).toEqual([202, 202, first.json.transaction_id]);
    await expectError(other, 422, 'idempotency_key_reused');
    await expectError(otherAttributes, 422, 'idempotency_key_reused');
    expect(other.headers.get('retry-after')).toBeNull();
  });

  it('When the body declares a charset other than UTF-8, then 415', async () => {
    await expectError(await raw(JSON.stringify({ topic_arn: messaging.topicName, message: 'caf\u00e9' }), 'application/json; charset=iso-8859-1'), 415, 'unsupported_media_type');
  });

  it('When the body is not valid UTF-8, then 400 invalid_utf8 and nothing is replaced', async () => {
    const bytes = Buffer.concat([Buffer.from(`{"topic_arn": "${messaging.topicName}", "message": "caf`), Buffer.from([0xe9]), Buffer.from('"}')]);
    await expectError(await fetch(ingestUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bytes }), 400, 'invalid_utf8');
  });

  it.each([
    ['a string with a lone surrogate escape', '"bad \\ud800"', 'invalid_unicode', 'message'],
    ['an object key with a lone surrogate escape', '{"\\udc00": 1}', 'invalid_unicode', 'message.\udc00'],
    ['nesting 1,844 levels deep', `${'['.repeat(1844)}${']'.repeat(1844)}`, 'too_deep', undefined],
    ['a repeated key', '{"a": 1, "b": {"c": 1, "c": 2}}', 'duplicate_key', 'message.b.c'],
  ])('When the message is %s, then 422 with the code and the field', async (_, messageText, code, field) => {
    const error = await expectError(await raw(`{"topic_arn": "${messaging.topicName}", "message": ${messageText}}`), 422, code);
    if (field) expect(error.details).toEqual([{ field, message: expect.any(String) }]);
  });

  it('When the body repeats a top-level field, then 422 duplicate_key naming it', async () => {
    const error = await expectError(await raw(`{"topic_arn": "${messaging.topicName}", "message": 1, "message": 2}`), 422, 'duplicate_key');
    expect(error.details).toEqual([{ field: 'message', message: expect.any(String) }]);
  });

  it('When an attribute value holds a character SNS cannot carry, then 422 validation_failed names it', async () => {
    const error = await expectError(await postJson(ingestUrl, { topic_arn: messaging.topicName, message: 1, attributes: { site: 'a\u0000b' } }), 422, 'validation_failed');
    expect(error.details).toEqual([{ field: 'attributes.site', message: expect.stringContaining('U+0000') }]);
  });

  it('When GET /data/:id has an id that is not a UUID, then 400 invalid_id', async () => {
    await expectError(await fetch(`${publisher.url}/data/not-a-uuid`), 400, 'invalid_id');
  });

  it('When GET /data/:id names a record that is not stored, then 404 not_found that is not cached', async () => {
    const response = await fetch(`${publisher.url}/data/0193a6a0-0000-7000-8000-000000000000`);
    const error = await expectError(response, 404, 'not_found');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(error.lookup).toEqual({ id_well_formed: true, state: 'not_found', minted_at: '2024-12-08T14:15:23.904Z', pending_window_seconds: 300 });
  });

  it('When GET /data/:id names a time-ordered id minted moments ago, then the 404 says the record is probably still in flight', async () => {
    const id = newTransactionId();
    const error = await expectError(await fetch(`${publisher.url}/data/${id}`), 404, 'not_found');
    expect(error.lookup).toMatchObject({ id_well_formed: true, state: 'pending', pending_window_seconds: 300 });
    expect(Date.now() - Date.parse(error.lookup.minted_at)).toBeLessThan(60_000);
    expect(error.message).toContain('still in flight');
  });

  it('When GET /data/:id names an id whose time lies in the future, then the 404 says no publisher issued it', async () => {
    const future = (Date.now() + 86_400_000).toString(16).padStart(12, '0');
    const id = `${future.slice(0, 8)}-${future.slice(8)}-7000-8000-000000000000`;
    const error = await expectError(await fetch(`${publisher.url}/data/${id}`), 404, 'not_found');
    expect(error.lookup).toMatchObject({ state: 'not_issued' });
  });

  it('When GET /data/:id names the id of an Idempotency-Key claimed moments ago, then the 404 says it is pending with the claim time', async () => {
    const key = `pending-${Date.now()}`;
    const id = transactionIdForIdempotencyKey(messaging.topicArn, key);
    await database.pool.query('insert into idempotency_keys (transaction_id, request_sha256) values ($1, $2)', [id, Buffer.alloc(32)]);
    const error = await expectError(await fetch(`${publisher.url}/data/${id}`), 404, 'not_found');
    expect(error.lookup).toMatchObject({ state: 'pending', claimed_at: expect.any(String) });
    expect(error.lookup.minted_at).toBeUndefined();
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

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'TRACE'])('When %s is sent to POST /ingresar-datos, then 405 method_not_allowed as JSON with Allow', async (method) => {
    const response = await rawRequest(ingestUrl, { method });
    await expectError(response, 405, 'method_not_allowed');
    expect(response.headers.allow).toContain('POST');
  });

  it('When a method Node does not know is sent, then 501 method_not_implemented as JSON', async () => {
    const response = await rawRequest(ingestUrl, { method: 'BREW' });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    await expectError(response, 501, 'method_not_implemented');
  });

  it('When the OpenAPI document is requested, then it describes both operations with their error codes', async () => {
    const response = await fetch(`${publisher.url}/openapi.json`);
    const document = (await response.json()) as any;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths['/ingresar-datos'].post.responses)).toEqual(
      expect.arrayContaining(['202', '400', '413', '415', '422', '503']),
    );
    const request = document.components.schemas.IngestRequest;
    expect(request.required).toEqual(expect.arrayContaining(['topic_arn', 'message']));
    // What the service refuses, the document says: null messages, a fifth attribute, topics it does not publish to.
    expect(request.properties.message.not).toEqual({ type: 'null' });
    expect(request.properties.attributes.maxProperties).toBe(4);
    expect(request.properties.topic_arn.enum).toEqual([messaging.topicName, messaging.topicArn]);
  });

  it('When metrics are scraped, then request counts carry route and status labels', async () => {
    const text = await (await fetch(`${publisher.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{route="\/ingresar-datos",method="POST",status="422"\} \d+/);
    expect(text).toMatch(/http_requests_total\{route="unmatched",method="GET",status="404"\} \d+/);
  });
});
