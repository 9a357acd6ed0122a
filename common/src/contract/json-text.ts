import { createScanner, ScanError, SyntaxKind } from 'jsonc-parser';

/** Why a JSON text falls outside the message contract, with the path of the offending value. */
export interface JsonProblem {
  code: 'invalid_unicode' | 'too_deep' | 'duplicate_key' | 'malformed_json';
  /** Keys and array indices from the root to the offending value or key. */
  path: (string | number)[];
  message: string;
}

export interface JsonSpan {
  start: number;
  end: number;
}

export interface JsonInspection {
  problem: JsonProblem | undefined;
  /** Where each member's value sits in the text, when the root is an object. */
  members: Map<string, JsonSpan>;
}

interface ObjectFrame {
  kind: 'object';
  keys: Set<string>;
  key: string | undefined;
  expectKey: boolean;
}
interface ArrayFrame {
  kind: 'array';
  index: number;
}
type Frame = ObjectFrame | ArrayFrame;

function pathOf(stack: readonly Frame[]): (string | number)[] {
  return stack.map((frame) => (frame.kind === 'array' ? frame.index : frame.key ?? ''));
}

/**
 * Walks JSON text once, without building its value, and checks what the message contract asks of
 * every message beyond valid syntax: strings and keys are well-formed Unicode (no lone surrogate
 * escapes), nesting stays within `maxDepth`, and no object repeats a key (RFC 8259 leaves their
 * meaning open, so parsers disagree on which one wins). It also returns the exact span of each
 * top-level member, so a value can be kept as the producer wrote it: numbers of any size and
 * precision, key order, `__proto__` keys, escapes and spacing.
 *
 * Tokens come from jsonc-parser's scanner; comments and other JSONC extensions count as malformed.
 */
export function inspectJsonText(text: string, { maxDepth }: { maxDepth: number }): JsonInspection {
  const scanner = createScanner(text, false);
  const stack: Frame[] = [];
  const members = new Map<string, JsonSpan>();
  let memberStart = -1;
  const fail = (code: JsonProblem['code'], message: string): JsonInspection => ({
    problem: { code, path: pathOf(stack), message },
    members,
  });

  // A value at depth 1 of a root object is a member whose span we record.
  const startValue = (offset: number) => {
    const top = stack[stack.length - 1];
    if (stack.length === 1 && top?.kind === 'object') memberStart = offset;
  };
  const endValue = (end: number) => {
    const top = stack[stack.length - 1];
    if (stack.length === 1 && top?.kind === 'object' && top.key !== undefined) members.set(top.key, { start: memberStart, end });
  };

  let sawToken = false;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.Trivia || token === SyntaxKind.LineBreakTrivia) continue;
    sawToken = true;
    if (scanner.getTokenError() !== ScanError.None) return fail('malformed_json', 'not valid JSON');
    const offset = scanner.getTokenOffset();
    const top = stack[stack.length - 1];
    switch (token) {
      case SyntaxKind.OpenBraceToken:
      case SyntaxKind.OpenBracketToken:
        if (stack.length >= maxDepth) return fail('too_deep', `nested deeper than ${maxDepth} levels`);
        startValue(offset);
        stack.push(token === SyntaxKind.OpenBraceToken ? { kind: 'object', keys: new Set(), key: undefined, expectKey: true } : { kind: 'array', index: 0 });
        break;
      case SyntaxKind.CloseBraceToken:
      case SyntaxKind.CloseBracketToken:
        stack.pop();
        endValue(offset + 1);
        break;
      case SyntaxKind.CommaToken:
        if (top?.kind === 'array') top.index++;
        else if (top?.kind === 'object') top.expectKey = true;
        break;
      case SyntaxKind.ColonToken:
        if (top?.kind === 'object') top.expectKey = false;
        break;
      case SyntaxKind.StringLiteral: {
        const value = scanner.getTokenValue();
        if (top?.kind === 'object' && top.expectKey) {
          top.key = value;
          if (!value.isWellFormed()) return fail('invalid_unicode', 'key is not well-formed Unicode (a lone surrogate escape)');
          if (top.keys.has(value)) return fail('duplicate_key', `key ${JSON.stringify(value)} appears more than once in the same object`);
          top.keys.add(value);
          break;
        }
        if (!value.isWellFormed()) return fail('invalid_unicode', 'string is not well-formed Unicode (a lone surrogate escape)');
        startValue(offset);
        endValue(offset + scanner.getTokenLength());
        break;
      }
      case SyntaxKind.NumericLiteral:
      case SyntaxKind.TrueKeyword:
      case SyntaxKind.FalseKeyword:
      case SyntaxKind.NullKeyword:
        startValue(offset);
        endValue(offset + scanner.getTokenLength());
        break;
      default:
        return fail('malformed_json', 'not valid JSON');
    }
  }
  if (stack.length > 0 || !sawToken) return fail('malformed_json', 'not valid JSON');
  return { problem: undefined, members };
}

/**
 * Where each element of a root array sits in `text`, so each can be kept as the producer wrote it.
 * Only boundaries are found: the text must already have parsed as JSON, and each element is then
 * inspected on its own, so one bad element never hides the others.
 */
export function arrayElementSpans(text: string): JsonSpan[] {
  const scanner = createScanner(text, true);
  const spans: JsonSpan[] = [];
  let depth = 0;
  let start = -1;
  let end = -1;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    const offset = scanner.getTokenOffset();
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (depth === 1 && start < 0) start = offset;
      depth++;
      continue;
    }
    if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth--;
      if (depth === 1) end = offset + 1;
      if (depth === 0 && start >= 0) spans.push({ start, end });
      continue;
    }
    if (depth !== 1) continue;
    if (token === SyntaxKind.CommaToken) {
      spans.push({ start, end });
      start = -1;
    } else {
      if (start < 0) start = offset;
      end = offset + scanner.getTokenLength();
    }
  }
  return spans;
}
