import { attributesOf, ATTRIBUTE, SCHEMA_VERSION, snsBodyOf } from './ingest-message';
import { decodeQueuedMessage, queuedMessageOf } from './sqs-decoder';

const base = {
  transactionId: '0193a6a0-0000-7000-8000-000000000001',
  topic: 'data-ingestion-topic',
  attributes: { source: 'plant-3' },
  publishedAt: new Date('2026-11-24T10:00:00.000Z'),
  schemaVersion: SCHEMA_VERSION,
};

function encoded(message: unknown) {
  const { body, contentType } = snsBodyOf(message);
  return { body, attributes: attributesOf({ ...base, contentType }) };
}

describe('decodeQueuedMessage', () => {
  it('When a raw-delivered JSON message is decoded, then every field round-trips', () => {
    const result = decodeQueuedMessage(encoded({ a: [1, 2] }));
    expect(result).toEqual({
      ok: true,
      message: { ...base, contentType: 'application/json', messageJson: '{"a":[1,2]}' },
    });
  });

  it('When a string message is decoded, then it becomes a JSON string, whatever it contains', () => {
    const result = decodeQueuedMessage(encoded('{"looks": "like json"}'));
    expect(result.ok && result.message.messageJson).toBe(JSON.stringify('{"looks": "like json"}'));
  });

  it('When the message sits in an SNS envelope, then attributes come from the envelope', () => {
    const { body, attributes } = encoded({ x: 1 });
    const envelope = {
      Type: 'Notification',
      Message: body,
      MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { Type: 'String', Value: v }])),
    };
    const result = decodeQueuedMessage({ body: JSON.stringify(envelope), attributes: {} });
    expect(result.ok && result.message.transactionId).toBe(base.transactionId);
    expect(result.ok && result.message.attributes).toEqual({ source: 'plant-3' });
  });

  it.each([
    ['no attributes', { body: 'hello', attributes: {} }, 'missing message attribute'],
    ['a bad id', { ...encoded(1), attributes: { ...encoded(1).attributes, [ATTRIBUTE.transactionId]: 'nope' } }, 'not a UUID'],
    ['an unknown schema version', { ...encoded(1), attributes: { ...encoded(1).attributes, [ATTRIBUTE.schemaVersion]: '2' } }, 'schema version'],
    ['a bad timestamp', { ...encoded(1), attributes: { ...encoded(1).attributes, [ATTRIBUTE.publishedAt]: 'yesterday' } }, 'timestamp'],
    ['an unknown content type', { ...encoded(1), attributes: { ...encoded(1).attributes, [ATTRIBUTE.contentType]: 'text/xml' } }, 'content type'],
    ['a JSON content type over a non-JSON body', { ...encoded(1), body: '{oops' }, 'not valid JSON'],
    ['an envelope that is not a Notification', { body: '{"Type":"SubscriptionConfirmation","Message":"x"}', attributes: {} }, 'missing message attribute'],
  ])('When a message has %s, then it is rejected with a reason', (_, queued, reason) => {
    const result = decodeQueuedMessage(queued);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('When an SQS message has binary attributes, then only string attributes are read', () => {
    expect(
      queuedMessageOf({ Body: 'b', MessageAttributes: { s: { StringValue: 'v' }, bin: { StringValue: undefined } } }),
    ).toEqual({ body: 'b', attributes: { s: 'v' } });
  });
});
