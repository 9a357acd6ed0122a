/**
 * SNS and SQS carry only the XML 1.0 character range in message bodies and attribute values:
 * tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF. Anything else (other control
 * characters, U+FFFE, U+FFFF, lone surrogates) is refused by AWS or lost on the way.
 */
const NOT_CARRIABLE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NONCHARACTERS = /[\uFFFE\uFFFF]/g;

export function isCarriable(text: string): boolean {
  return !NOT_CARRIABLE.test(text);
}

/** The first character SNS/SQS cannot carry, as `U+XXXX`, or undefined when there is none. */
export function firstUncarriable(text: string): string | undefined {
  const found = NOT_CARRIABLE.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * JSON text as SQS can carry it, with the same value. Valid, well-formed JSON text can hold only two
 * characters outside the range, U+FFFE and U+FFFF, and only inside strings (control characters must
 * already be escaped there), so escaping those two keeps every other byte as it was written.
 */
export function carriableJsonText(jsonText: string): string {
  return jsonText.replace(NONCHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
