import { BATCH_MAX_BYTES, BATCH_MAX_ITEMS, transactionIdForIdempotencyKey } from '@pubsub-ingest/common';
import { ERROR_CODES } from '@pubsub-ingest/publisher';
import { postJson, startPipeline, waitFor, type RunningPipeline } from './support/services';

describe('POST /ingresar-datos/lote: many messages in one request, each answered on its own', () => {
  let pipeline: RunningPipeline;
  let batchUrl: string;
  let topic: string;

  beforeAll(async () => {
    pipeline = await startPipeline();
    batchUrl = `${pipeline.publisher.url}/ingresar-datos/lote`;
    topic = pipeline.messaging.topicName;
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  const postNdjson = async (text: string) => {
    const response = await fetch(batchUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: text });
    return { status: response.status, headers: response.headers, json: (await response.json()) as any };
  };

  /** The stored message text of each id, or undefined when none is stored. */
  const storedTexts = async (ids: string[]) => {
    const { rows } = await pipeline.database.pool.query<{ id: string; message: string }>(
      'select transaction_id::text as id, message::text as message from records where transaction_id = any($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.message]));
  };

  const waitStored = (ids: string[]) => waitFor(`${ids.length} records`, async () => (await storedTexts(ids)).size === ids.length);

  it('When some items are valid and some not, then 207 gives each its own answer and only the accepted ones are stored, exactly as written', async () => {
    const body = `[
      {"topic_arn": "${topic}", "message": {"n": 12345678901234567890, "__proto__": [1.50]}},
      {"topic_arn": "${topic}", "message": null},
      {"topic_arn": "someone-elses-topic", "message": 1},
      {"topic_arn": "${topic}", "message": {"a": 1, "a": 2}},
      {"topic_arn": "${topic}", "message":"text", "attributes": {"site": "plant-3"}},
      [1, 2],
      {"topic_arn": "${topic}", "message": 7, "colour": "red"}
    ]`;
    const response = await postJson(batchUrl, body);
    expect(response.status).toBe(207);
    expect(response.json).toMatchObject({ accepted: 2, refused: 5 });
    expect(response.json.items.map((i: any) => [i.index, i.status, i.error?.code ?? 'accepted'])).toEqual([
      [0, 202, 'accepted'],
      [1, 422, 'validation_failed'],
      [2, 422, 'unknown_topic'],
      [3, 422, 'duplicate_key'],
      [4, 202, 'accepted'],
      [5, 422, 'validation_failed'],
      [6, 422, 'validation_failed'],
    ]);
    expect(response.json.items[6].error.details).toEqual([{ field: 'colour', message: 'unknown field' }]);
    expect(response.headers.get('retry-after')).toBeNull();

    const ids = [response.json.items[0].transaction_id, response.json.items[4].transaction_id];
    await waitStored(ids);
    const stored = await storedTexts(ids);
    expect([stored.get(ids[0]), stored.get(ids[1])]).toEqual(['{"n": 12345678901234567890, "__proto__": [1.50]}', '"text"']);
    const { rows } = await pipeline.database.pool.query('select count(*)::int as n from records');
    expect(rows[0].n).toBe(2);
  });

  it('When the batch is NDJSON with a line that is not JSON, blank lines and CRLF endings, then only that line is refused', async () => {
    const lines = [`{"topic_arn": "${topic}", "message": [1, 2, 3]}`, '', `{"topic_arn": "${topic}", "message": `, '  ', `{"topic_arn": "${topic}", "message": {"ok": true}}`];
    const response = await postNdjson(`${lines.join('\r\n')}\r\n`);
    expect({ status: response.status, accepted: response.json.accepted, refused: response.json.refused }).toEqual({ status: 207, accepted: 2, refused: 1 });
    expect(response.json.items.map((i: any) => i.error?.code ?? i.status)).toEqual([202, 'malformed_json', 202]);
    const ids = [response.json.items[0].transaction_id, response.json.items[2].transaction_id];
    await waitStored(ids);
    expect([...(await storedTexts(ids)).values()].sort()).toEqual(['[1, 2, 3]', '{"ok": true}']);
  });

  it('When every item is valid, then 202 and every item has a transaction id of its own', async () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ topic_arn: topic, message: { i } }));
    const response = await postJson(batchUrl, items);
    expect({ status: response.status, accepted: response.json.accepted, refused: response.json.refused }).toEqual({ status: 202, accepted: 25, refused: 0 });
    const ids = response.json.items.map((i: any) => i.transaction_id);
    expect(new Set(ids).size).toBe(25);
    await waitStored(ids);
    const stored = await storedTexts(ids);
    expect(ids.map((id: string) => stored.get(id))).toEqual(items.map((item) => JSON.stringify(item.message)));
  });

  it('When no item is valid, then 422 batch_refused in the error shape, with each item saying why', async () => {
    const response = await postJson(batchUrl, [{ topic_arn: topic }, { message: 1 }]);
    expect({ status: response.status, code: response.json.error.code, refused: response.json.refused }).toEqual({ status: 422, code: 'batch_refused', refused: 2 });
    expect(response.json.items.map((i: any) => i.error.details[0].field)).toEqual(['message', 'topic_arn']);
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it.each([
    ['the array is empty', '[]', 422, 'validation_failed'],
    ['the body is an object, not an array', `{"topic_arn": "t", "message": 1}`, 422, 'validation_failed'],
    ['the array is not valid JSON', '[{"topic_arn": "t", "message": 1},', 400, 'malformed_json'],
    [`there are more than ${BATCH_MAX_ITEMS} items`, JSON.stringify(Array.from({ length: BATCH_MAX_ITEMS + 1 }, () => ({ topic_arn: 't', message: 1 }))), 422, 'too_many_items'],
    [`the body is larger than ${BATCH_MAX_BYTES} bytes`, JSON.stringify([{ topic_arn: 't', message: 'x'.repeat(BATCH_MAX_BYTES) }]), 413, 'payload_too_large'],
  ])('When %s, then the whole batch is refused: %s %s', async (_, body, status, code) => {
    const response = await postJson(batchUrl, body);
    expect({ status: response.status, code: response.json.error.code, documented: ERROR_CODES[code as keyof typeof ERROR_CODES].status }).toEqual({ status, code, documented: status });
  });

  it('When the body is neither JSON nor NDJSON, then 415 names both', async () => {
    const response = await fetch(batchUrl, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    const json = (await response.json()) as any;
    expect({ status: response.status, code: json.error.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
    expect(json.error.message).toContain('application/x-ndjson');
  });

  it('When an item carries an Idempotency-Key, then a retry of the batch yields the same id and one record, and the key with other content is refused', async () => {
    const key = `batch-key-${Date.now()}`;
    const item = { topic_arn: topic, message: { order: 4711 }, idempotency_key: key };
    const first = await postJson(batchUrl, [item, { topic_arn: topic, message: 'other' }]);
    const retry = await postJson(batchUrl, [item]);
    const reused = await postJson(batchUrl, [{ ...item, message: { order: 4712 } }]);
    const id = transactionIdForIdempotencyKey(pipeline.messaging.topicArn, key);
    expect([first.json.items[0].transaction_id, retry.json.items[0].transaction_id]).toEqual([id, id]);
    expect({ status: reused.status, code: reused.json.items[0].error.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    await waitStored([id]);
    const { rows } = await pipeline.database.pool.query('select count(*)::int as n from records where transaction_id = $1', [id]);
    expect(rows[0].n).toBe(1);
  });

  it('When an item has an invalid Idempotency-Key, then that item is refused naming the field', async () => {
    const response = await postJson(batchUrl, [{ topic_arn: topic, message: 1, idempotency_key: '' }, { topic_arn: topic, message: 2 }]);
    expect(response.status).toBe(207);
    expect(response.json.items[0]).toMatchObject({ status: 422, error: { code: 'validation_failed', details: [{ field: 'idempotency_key' }] } });
  });
});
