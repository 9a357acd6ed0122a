/**
 * What the load sends: ordinary messages and hostile ones, each carrying a nonce that makes its
 * text unique, so the audit can find every stored record by what was posted. Valid hostile
 * messages must be stored exactly as written; invalid ones must be refused with a 4xx.
 */
export interface ChaosMessage {
  kind: string;
  /** The message's JSON text as posted. */
  text: string;
  /** What the records table must hold for it, when accepted. */
  stored: string;
  attributes: Record<string, string>;
  /** The 4xx code the contract requires, or undefined when it must be accepted. */
  refusal?: string;
}

/** Raw U+FFFE/U+FFFF cannot travel through SQS; the service writes them as escapes, nothing else changes. */
const carried = (text: string) => text.replace(/\uFFFE/g, '\\ufffe').replace(/\uFFFF/g, '\\uffff');

const nest = (depth: number, inner: string) => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

const VALID: ((nonce: string) => Omit<ChaosMessage, 'stored'> & { stored?: string })[] = [
  (n) => ({ kind: 'ordinary', text: `{"nonce":"${n}","sensor":"th-17","temperature":21.5}`, attributes: { site: 'plant-3' } }),
  (n) => ({ kind: 'ordinary', text: `{"nonce":"${n}","readings":[1,2,3],"ok":true}`, attributes: {} }),
  (n) => ({ kind: 'numbers', text: `{"nonce":"${n}","big":12345678901234567890,"tiny":1e-400,"exact":0.1000000000000000055511151231257827,"odd":9007199254740993}`, attributes: {} }),
  (n) => ({ kind: 'proto-keys', text: `{"__proto__":{"nonce":"${n}"},"constructor":{"prototype":1},"toString":"x"}`, attributes: { 'shift.id': 'night' } }),
  (n) => ({ kind: 'nul-and-nonchars', text: `{"nonce":"${n}","nul":"a\\u0000b","nonchar":"\uFFFE\uFFFF","astral":"\u{1F600}\\ud83d\\ude00"}`, attributes: {} }),
  (n) => ({ kind: 'spacing-and-order', text: `{ "z" : 1 ,\n  "nonce":   "${n}",\t"a": [ ]  }`, attributes: {} }),
  (n) => ({ kind: 'deep', text: `{"nonce":"${n}","deep":${nest(120, '"bottom"')}}`, attributes: {} }),
  (n) => ({ kind: 'string', text: JSON.stringify(`plain text ${n} é 😀 "quoted"`), stored: JSON.stringify(`plain text ${n} é 😀 "quoted"`), attributes: {} }),
  (n) => ({ kind: 'string-with-nul', text: `"${n} with \\u0000 inside"`, attributes: { source: 'legacy' } }),
];

const INVALID: ((nonce: string) => ChaosMessage)[] = [
  (n) => ({ kind: 'lone-surrogate', text: `{"nonce":"${n}","s":"\\ud800"}`, stored: '', attributes: {}, refusal: 'invalid_unicode' }),
  (n) => ({ kind: 'duplicate-key', text: `{"nonce":"${n}","a":1,"a":2}`, stored: '', attributes: {}, refusal: 'duplicate_key' }),
  (n) => ({ kind: 'too-deep', text: `{"nonce":"${n}","deep":${nest(200, '1')}}`, stored: '', attributes: {}, refusal: 'too_deep' }),
  (n) => ({ kind: 'bad-attribute', text: `{"nonce":"${n}"}`, stored: '', attributes: { site: 'a\u0001b' }, refusal: 'validation_failed' }),
];

/** The n-th message of a run: mostly valid, one in ten hostile and invalid. */
export function messageFor(n: number, nonce: string): ChaosMessage {
  if (n % 10 === 7) return INVALID[Math.floor(n / 10) % INVALID.length]!(nonce);
  const m = VALID[n % VALID.length]!(nonce);
  return { ...m, stored: m.stored ?? carried(m.text) };
}

/** The body of a POST for a message. */
export function bodyOf(topic: string, m: ChaosMessage): string {
  return `{"topic_arn":${JSON.stringify(topic)},"message":${m.text},"attributes":${JSON.stringify(m.attributes)}}`;
}
