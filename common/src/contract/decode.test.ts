import { decodeQueuedMessage } from './decode';
import { ATTRIBUTE, attributesOf, messageBodyOf, SCHEMA_VERSION } from './message-contract';

const base = {
  transactionId: '0193a6a0-0000-7000-8000-000000000001',
  topic: 'data-ingestion-topic',
  publishedAt: new Date('2026-11-24T10:00:00.000Z'),
  schemaVersion: SCHEMA_VERSION,
};

function encoded(jsonText: string, user: [string, string][] = [['source', 'plant-3']]) {
  const { body, contentType } = messageBodyOf(jsonText, JSON.parse(jsonText));
  return { body, attributes: Object.fromEntries(attributesOf({ ...base, contentType }, user)) };
}

describe('decodeQueuedMessage', () => {
  it('When a raw-delivered JSON message is decoded, then every field round-trips and the text is kept as written', () => {
    const text = '{"b": 12345678901234567890, "a": [1e-400, 2]}';
    const result = decodeQueuedMessage(encoded(text));
    expect(result).toEqual({
      ok: true,
      message: { ...base, contentType: 'application/json', messageJson: text, attributes: { source: 'plant-3' } },
    });
  });

  it('When a string message is decoded, then it becomes a JSON string, whatever it contains', () => {
    const result = decodeQueuedMessage(encoded(JSON.stringify('{"looks": "like json"}')));
    expect(result.ok && result.message.messageJson).toBe(JSON.stringify('{"looks": "like json"}'));
  });

  it('When a string SNS cannot carry is decoded, then it arrives as JSON text with its escapes as written', () => {
    const result = decodeQueuedMessage(encoded('"a\\u0000b"'));
    expect(result.ok && [result.message.contentType, result.message.messageJson]).toEqual(['application/json', '"a\\u0000b"']);
  });

  it('When attributes are named like Object.prototype members, then they are kept as attributes', () => {
    const result = decodeQueuedMessage(encoded('1', [['constructor', 'x'], ['toString', 'y']]));
    expect(result.ok && Object.entries(result.message.attributes)).toEqual([['constructor', 'x'], ['toString', 'y']]);
  });

  it('When the message sits in an SNS envelope, then attributes come from the envelope', () => {
    const { body, attributes } = encoded('{"x": 1}');
    const envelope = {
      Type: 'Notification',
      Message: body,
      MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { Type: 'String', Value: v }])),
    };
    const result = decodeQueuedMessage({ body: JSON.stringify(envelope), attributes: {} });
    expect(result.ok && result.message.transactionId).toBe(base.transactionId);
    expect(result.ok && result.message.attributes).toEqual({ source: 'plant-3' });
  });

  const withAttribute = (name: string, value: string) => ({ ...encoded('1'), attributes: { ...encoded('1').attributes, [name]: value } });

  it.each([
    ['no attributes', { body: 'hello', attributes: {} }, 'missing message attribute'],
    ['a bad id', withAttribute(ATTRIBUTE.transactionId, 'nope'), 'not a UUID'],
    ['an unknown schema version', withAttribute(ATTRIBUTE.schemaVersion, '2'), 'schema version'],
    ['a bad timestamp', withAttribute(ATTRIBUTE.publishedAt, 'yesterday'), 'timestamp'],
    ['an unknown content type', withAttribute(ATTRIBUTE.contentType, 'text/xml'), ATTRIBUTE.contentType],
    ['a JSON content type over a non-JSON body', { ...encoded('1'), body: '{oops' }, 'not valid JSON'],
    ['a message nested too deep', { ...encoded('1'), body: '['.repeat(129) + ']'.repeat(129) }, 'too_deep'],
    ['a lone surrogate escape', { ...encoded('1'), body: '{"s": "\\ud800"}' }, 'invalid_unicode at s'],
    ['a repeated key', { ...encoded('1'), body: '{"a": 1, "a": 2}' }, 'duplicate_key at a'],
    ['an attribute value SNS cannot carry', withAttribute('site', 'a\u0001b'), 'U+0001'],
    ['an attribute named __proto__, whose value SQS clients lose', withAttribute('__proto__', 'x'), '__proto__'],
    ['too many attributes', { ...encoded('1', [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']]) }, 'at most 4'],
    ['an envelope that is not a Notification', { body: '{"Type":"SubscriptionConfirmation","Message":"x"}', attributes: {} }, 'missing message attribute'],
  ])('When a message has %s, then it is refused with a reason', (_, queued, reason) => {
    const result = decodeQueuedMessage(queued);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
