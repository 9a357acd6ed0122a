import { z } from 'zod';
import { carriableJsonText, firstUncarriable, isCarriable } from './carriable-text';
import { ATTRIBUTE_NAME, MAX_USER_ATTRIBUTES } from './limits';
import { isTransactionId } from './transaction-id';

/** Version of the attribute contract below; a subscriber refuses versions it does not know. */
export const SCHEMA_VERSION = 1;

/**
 * Message attributes the publisher sets on every SNS message. The body itself is the producer's
 * message, so other subscribers of the topic can read it as it is.
 */
export const ATTRIBUTE = {
  transactionId: 'ingest.transaction_id',
  contentType: 'ingest.content_type',
  publishedAt: 'ingest.published_at',
  schemaVersion: 'ingest.schema_version',
  topic: 'ingest.topic',
  /** W3C trace context of the publish, when tracing is on: the subscriber's spans join the producer's trace. */
  traceParent: 'ingest.traceparent',
} as const;

/** What the trace-context attribute takes of a message's size; reserved whether or not tracing is on, so the size limit never depends on it. */
export const TRACE_PARENT_ATTRIBUTE_BYTES = ATTRIBUTE.traceParent.length + 'String'.length + '00-00000000000000000000000000000000-0000000000000000-00'.length;

export const RESERVED_ATTRIBUTE_PREFIX = 'ingest.';

/** `application/json`: the body is JSON text; `text/plain`: the body is the producer's string itself. */
export const CONTENT_TYPES = ['application/json', 'text/plain'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const userAttributeName = z
  .string()
  .regex(ATTRIBUTE_NAME, 'attribute names use letters, digits, "_", "-" and "." (not at either end, never two in a row), at most 256 characters, and do not start with "aws." or "amazon."')
  .refine((name) => !name.toLowerCase().startsWith(RESERVED_ATTRIBUTE_PREFIX), {
    message: `attribute names starting with "${RESERVED_ATTRIBUTE_PREFIX}" are reserved`,
  });

/**
 * The AWS SDK for JavaScript loses the value of a message attribute named `__proto__` when it
 * receives it from SQS, so such a message could not be stored as posted. zod's record parsing does
 * not see that key at all, so callers check the raw name/value pairs with this.
 */
export const UNSUPPORTED_ATTRIBUTE = { name: '__proto__', reason: 'the attribute name "__proto__" is not supported: SQS clients lose its value' } as const;

export const userAttributeValue = z
  .string()
  .min(1, 'attribute values must not be empty')
  .superRefine((value, ctx) => {
    const bad = firstUncarriable(value);
    if (bad) ctx.addIssue({ code: 'custom', message: `attribute values cannot hold ${bad}: SNS message attributes carry only tab, LF, CR and the characters from U+0020 on, except U+FFFE, U+FFFF and lone surrogates` });
  });

/** The producer's own attributes: published as SNS message attributes and stored with the record. */
export const userAttributes = z
  .record(userAttributeName, userAttributeValue)
  .refine((attrs) => Object.keys(attrs).length <= MAX_USER_ATTRIBUTES, { message: `at most ${MAX_USER_ATTRIBUTES} attributes` });

/** The reserved attributes every message carries, as strings on the wire. */
export const messageEnvelope = z.object({
  [ATTRIBUTE.transactionId]: z.string().refine(isTransactionId, 'not a UUID'),
  [ATTRIBUTE.contentType]: z.enum(CONTENT_TYPES),
  [ATTRIBUTE.publishedAt]: z.iso.datetime({ message: 'not an ISO 8601 timestamp' }),
  [ATTRIBUTE.schemaVersion]: z.literal(String(SCHEMA_VERSION), { message: `unsupported schema version (this subscriber reads ${SCHEMA_VERSION})` }),
  [ATTRIBUTE.topic]: z.string().min(1),
});
export type MessageEnvelope = z.output<typeof messageEnvelope>;

/** A message as it travels from the publisher to the subscriber. */
export interface IngestMessage {
  transactionId: string;
  /** Logical topic name from the publisher's allow-list. */
  topic: string;
  /** The producer's message as JSON text, as written (a string message: its JSON form). */
  messageJson: string;
  contentType: ContentType;
  /** The producer's own attributes (built with `Object.fromEntries`, so a `__proto__` name is kept). */
  attributes: Record<string, string>;
  publishedAt: Date;
  schemaVersion: number;
}

export interface MessageBody {
  body: string;
  contentType: ContentType;
}

/**
 * The SNS body of a message. A string goes out as the string itself when SNS can carry it, so
 * other subscribers read plain text; an empty string, one holding characters SNS cannot carry
 * (U+0000 and other control characters, U+FFFE, U+FFFF), and every other value go out as JSON
 * text, exactly as the producer wrote it.
 *
 * @param jsonText the message's JSON text as posted
 * @param value the same message parsed
 */
export function messageBodyOf(jsonText: string, value: unknown): MessageBody {
  if (typeof value === 'string' && value.length > 0 && isCarriable(value)) return { body: value, contentType: 'text/plain' };
  return { body: carriableJsonText(jsonText), contentType: 'application/json' };
}

/**
 * A lower bound of the bytes `messageBodyOf` gives a parsed message, found from its value without
 * scanning its text: a message far larger than SNS accepts is refused before the costlier
 * character-by-character inspection of a body of up to 1.5 MiB (tens of milliseconds of the
 * event loop each). Written JSON is never shorter than this count — strings at their UTF-8 size,
 * numbers at one byte, no whitespace, a repeated key once — and counting stops past `enough`.
 */
export function messageBytesAtLeast(value: unknown, enough: number): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && total <= enough) {
    const next = pending.pop();
    if (typeof next === 'string') total += Buffer.byteLength(next, 'utf8') + 2;
    else if (Array.isArray(next)) {
      total += 1 + Math.max(1, next.length);
      if (total <= enough) for (const element of next) pending.push(element);
    } else if (next !== null && typeof next === 'object') {
      const entries = Object.entries(next);
      total += 1 + Math.max(1, entries.length);
      for (const [key, member] of entries) {
        if (total > enough) break;
        total += Buffer.byteLength(key, 'utf8') + 3;
        pending.push(member);
      }
    } else total += next === false ? 5 : next === null || next === true ? 4 : 1;
  }
  return total;
}

/** The message attributes of one message: ours first, then the producer's, as name/value pairs. */
export function attributesOf(message: Omit<IngestMessage, 'messageJson' | 'attributes'>, userAttributePairs: readonly (readonly [string, string])[]): [string, string][] {
  return [
    [ATTRIBUTE.transactionId, message.transactionId],
    [ATTRIBUTE.contentType, message.contentType],
    [ATTRIBUTE.publishedAt, message.publishedAt.toISOString()],
    [ATTRIBUTE.schemaVersion, String(message.schemaVersion)],
    [ATTRIBUTE.topic, message.topic],
    ...userAttributePairs.map(([name, value]): [string, string] => [name, value]),
  ];
}
