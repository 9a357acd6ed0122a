import fc from 'fast-check';
import { messageBodyOf, messageBytesAtLeast, SNS_MAX_MESSAGE_BYTES } from '@pubsub-ingest/common';
import { deepJsonText, hugeJsonText, jsonText } from './support/hostile-json';

const bodyBytes = (text: string) => Buffer.byteLength(messageBodyOf(text, JSON.parse(text)).body, 'utf8');
const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('messageBytesAtLeast', () => {
  it('When any JSON text is parsed, then the bound never exceeds the bytes its message body takes', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, deepJsonText, hugeJsonText).filter((m) => parses(m.text)), ({ text }) => {
        expect(messageBytesAtLeast(JSON.parse(text), Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(bodyBytes(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('When counting passes `enough`, then it stops there but still reports more than `enough`', () => {
    const value = { readings: Array.from({ length: 200_000 }, (_, i) => ({ i, v: 'é'.repeat(8) })) };
    const bound = messageBytesAtLeast(value, SNS_MAX_MESSAGE_BYTES);
    expect(bound).toBeGreaterThan(SNS_MAX_MESSAGE_BYTES);
    expect(bound).toBeLessThan(bodyBytes(JSON.stringify(value)));
  });

  it.each([
    ['a plain string', 'héllo', 6],
    ['an empty object', {}, 2],
    ['an empty array', [], 2],
    ['an object of scalars', { a: 1, b: null, c: false, d: 'x' }, '{"a":1,"b":null,"c":false,"d":"x"}'.length],
  ])('When the message is %s, then the bound is its compact size', (_, value, bytes) => {
    expect(messageBytesAtLeast(value, Number.POSITIVE_INFINITY)).toBe(bytes);
  });
});
