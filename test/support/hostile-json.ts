import fc from 'fast-check';

/**
 * Arbitrary JSON *text*, as hostile producers write it: every Unicode plane, U+0000 and other
 * control characters as escapes, U+FFFE/U+FFFF raw, lone surrogate escapes, numbers of any size
 * and precision written as raw text, `__proto__`/`constructor` keys, repeated keys, odd spacing,
 * and nesting up to and past the limit. Each value carries what the contract says about it, so a
 * test can predict the service's answer without re-implementing its validation.
 */
export interface JsonText {
  /** The text as written. */
  text: string;
  /** The decoded value of a string; undefined for other values. */
  stringValue?: string;
  /** Deepest nesting of arrays and objects (a scalar is 0). */
  depth: number;
  /** Some string or key is not well-formed Unicode. */
  loneSurrogate: boolean;
  /** Some object repeats a key. */
  duplicateKey: boolean;
  isNull: boolean;
}

const hex4 = (code: number, upper: boolean) => {
  const h = code.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
};

/** One piece of a string literal: its text as written and what it decodes to. */
const rawChar = (c: number) => ({ text: String.fromCodePoint(c), value: String.fromCodePoint(c) });
const piece: fc.Arbitrary<{ text: string; value: string }> = fc.oneof(
  // Raw characters that may appear unescaped: printable ASCII but `"` and `\`, and any code point from U+0080 on.
  { weight: 20, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map(rawChar) },
  { weight: 5, arbitrary: fc.oneof(fc.integer({ min: 0x80, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0xffff }), fc.integer({ min: 0x10000, max: 0x10ffff })).map(rawChar) },
  { weight: 2, arbitrary: fc.constantFrom(0xfffe, 0xffff, 0x10ffff, 0x1f600, 0xe9, 0xdf).map(rawChar) },
  // Short escapes.
  { weight: 5, arbitrary: fc.constantFrom(['\\"', '"'], ['\\\\', '\\'], ['\\/', '/'], ['\\b', '\b'], ['\\f', '\f'], ['\\n', '\n'], ['\\r', '\r'], ['\\t', '\t']).map(([text, value]) => ({ text: text!, value: value! })) },
  // \uXXXX of BMP units other than surrogates, control characters and U+0000 included.
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0), fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0xffff })), fc.boolean())
      .map(([c, upper]) => ({ text: `\\u${hex4(c, upper)}`, value: String.fromCharCode(c) })),
  },
  // An escaped surrogate pair.
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => {
      const s = String.fromCodePoint(c);
      return { text: `\\u${hex4(s.charCodeAt(0), false)}\\u${hex4(s.charCodeAt(1), true)}`, value: s };
    }),
  },
  // A surrogate escape on its own: lone, unless a neighbour completes a pair.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0xd800, max: 0xdfff }), fc.boolean()).map(([c, upper]) => ({ text: `\\u${hex4(c, upper)}`, value: String.fromCharCode(c) })) },
);

const stringLiteral: fc.Arbitrary<{ text: string; value: string }> = fc.array(piece, { maxLength: 12 }).map((pieces) => ({
  text: `"${pieces.map((p) => p.text).join('')}"`,
  value: pieces.map((p) => p.value).join(''),
}));

const key: fc.Arbitrary<{ text: string; value: string }> = fc.oneof(
  { weight: 3, arbitrary: stringLiteral },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', '').map((k) => ({ text: JSON.stringify(k), value: k })) },
  // `__proto__` written with an escape: the same key to a JSON parser.
  { weight: 1, arbitrary: fc.constant({ text: '"\\u005f_proto__"', value: '__proto__' }) },
);

const numberText = fc.stringMatching(/^-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?$/);

const ws = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ', '   ');

const scalar = (text: string, extra: Partial<JsonText> = {}): JsonText => ({ text, depth: 0, loneSurrogate: false, duplicateKey: false, isNull: false, ...extra });

export const jsonText: fc.Arbitrary<JsonText> = fc.letrec<{ value: JsonText; array: JsonText; object: JsonText }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringLiteral.map((s) => scalar(s.text, { stringValue: s.value, loneSurrogate: !s.value.isWellFormed() })),
    numberText.map((t) => scalar(t)),
    fc.constantFrom('true', 'false').map((t) => scalar(t)),
    fc.constant(scalar('null', { isNull: true })),
    tie('array'),
    tie('object'),
  ),
  array: fc.tuple(fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 5 }), ws).map(([items, inner]) =>
    compose(items.length ? `[${items.map(([a, v, b]) => `${a}${v.text}${b}`).join(',')}]` : `[${inner}]`, items.map(([, v]) => v), false),
  ),
  object: fc.tuple(fc.array(fc.tuple(ws, key, ws, ws, tie('value'), ws), { maxLength: 5 }), ws).map(([members, inner]) => {
    const keys = members.map(([, k]) => k.value);
    const node = compose(
      members.length ? `{${members.map(([a, k, b, c, v, d]) => `${a}${k.text}${b}:${c}${v.text}${d}`).join(',')}}` : `{${inner}}`,
      members.map(([, , , , v]) => v),
      new Set(keys).size !== keys.length,
    );
    return { ...node, loneSurrogate: node.loneSurrogate || keys.some((k) => !k.isWellFormed()) };
  }),
})).value;

function compose(text: string, children: JsonText[], duplicateKey: boolean): JsonText {
  return {
    text,
    depth: 1 + Math.max(0, ...children.map((c) => c.depth)),
    loneSurrogate: children.some((c) => c.loneSurrogate),
    duplicateKey: duplicateKey || children.some((c) => c.duplicateKey),
    isNull: false,
  };
}

/** Arrays nested around the limit and far past it. */
export const deepJsonText: fc.Arbitrary<JsonText> = fc.constantFrom(127, 128, 129, 1_844, 20_000).map((n) => ({
  ...scalar(`${'['.repeat(n)}1${']'.repeat(n)}`),
  depth: n,
}));

/** A string too large for SNS once published. */
export const hugeJsonText: fc.Arbitrary<JsonText> = fc.constantFrom('x', 'é').map((c) => {
  const value = c.repeat(270_000);
  return scalar(JSON.stringify(value), { stringValue: value });
});
