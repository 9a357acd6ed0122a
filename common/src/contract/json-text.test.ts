import fc from 'fast-check';
import { arrayElementSpans, inspectJsonText } from './json-text';

const inspect = (text: string, maxDepth = 128) => inspectJsonText(text, { maxDepth });

describe('inspectJsonText', () => {
  it('When the root is an object, then each member value span is its exact text', () => {
    const text = '{ "topic_arn" : "t",\n  "message":  {"n": 12345678901234567890, "__proto__": [1e-400]} , "attributes": {} }';
    const { problem, members } = inspect(text);
    expect(problem).toBeUndefined();
    const slice = (name: string) => text.slice(members.get(name)!.start, members.get(name)!.end);
    expect([slice('topic_arn'), slice('message'), slice('attributes')]).toEqual(['"t"', '{"n": 12345678901234567890, "__proto__": [1e-400]}', '{}']);
  });

  it.each([
    ['a scalar', '"a\\u0000b"'],
    ['a surrogate pair', '{"s": "\\ud83d\\ude00"}'],
    ['depth exactly at the limit', '['.repeat(3) + ']'.repeat(3)],
    ['the same key in different objects', '{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}'],
  ])('When the text holds %s, then it is within the contract', (_, text) => {
    expect(inspect(text, 3).problem).toBeUndefined();
  });

  it.each([
    ['a lone high surrogate in a string', '{"a": ["x", "\\ud800"]}', 'invalid_unicode', ['a', 1]],
    ['a lone low surrogate in a key', '{"a": {"\\udc00": 1}}', 'invalid_unicode', ['a', '\udc00']],
    ['a repeated key, also written with an escape', '{"o": {"k": 1, "\\u006b": 2}}', 'duplicate_key', ['o', 'k']],
    ['nesting deeper than the limit', '{"m": [[[1]]]}', 'too_deep', ['m', 0, 0]],
    ['a comment', '{"a": 1 /* no */}', 'malformed_json', ['a']],
    ['an unclosed object', '{"a": 1', 'malformed_json', ['a']],
    ['nothing', '  ', 'malformed_json', []],
  ])('When the text has %s, then the problem and its path are reported', (_, text, code, path) => {
    expect(inspect(text, 3).problem).toMatchObject({ code, path });
  });

  it('When nesting is thousands of levels deep, then it stops at the limit without exhausting the stack', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(inspect(text).problem?.code).toBe('too_deep');
  });
});

describe('arrayElementSpans', () => {
  const elements = (text: string) => arrayElementSpans(text).map(({ start, end }) => text.slice(start, end));

  it('When the root array holds values of every kind with odd spacing, then each span is its exact text', () => {
    const text = '[ {"a": [1, {"b": "]"}]} ,\n"x,y" ,12345678901234567890,\t[[ ]],{},true ]';
    expect(elements(text)).toEqual(['{"a": [1, {"b": "]"}]}', '"x,y"', '12345678901234567890', '[[ ]]', '{}', 'true']);
  });

  it('When the array is empty, then there are no elements', () => {
    expect(elements(' [ ] ')).toEqual([]);
  });

  it('When any JSON array is split, then each span parses to its element', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom('', ' ', '\n\t'), (values, ws) => {
        const text = `[${ws}${values.map((v) => JSON.stringify(v, null, ws ? 1 : 0)).join(`${ws},${ws}`)}${ws}]`;
        expect(elements(text).map((t) => JSON.parse(t))).toEqual(JSON.parse(text));
      }),
    );
  });
});
