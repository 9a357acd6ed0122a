import { MAX_MESSAGE_ATTRIBUTES } from './limits';

/** Version of the attribute contract below; a subscriber rejects versions it does not know. */
export const SCHEMA_VERSION = 1;

/**
 * Message attributes the publisher sets on every SNS message. The message body itself is the
 * producer's message, untouched, so other subscribers of the topic can read it as it is.
 */
export const ATTRIBUTE = {
  transactionId: 'ingest.transaction_id',
  contentType: 'ingest.content_type',
  publishedAt: 'ingest.published_at',
  schemaVersion: 'ingest.schema_version',
  topic: 'ingest.topic',
} as const;

export const RESERVED_ATTRIBUTE_PREFIX = 'ingest.';

/** One attribute slot is kept free for trace context propagation. */
export const MAX_USER_ATTRIBUTES = MAX_MESSAGE_ATTRIBUTES - Object.keys(ATTRIBUTE).length - 1;

/** `application/json`: the body is JSON text; `text/plain`: the producer sent a JSON string, carried as is. */
export type ContentType = 'application/json' | 'text/plain';

/** A message as it travels from the publisher to the subscriber. */
export interface IngestMessage {
  transactionId: string;
  /** Logical topic name from the publisher's allow-list. */
  topic: string;
  /** The producer's message as JSON text (a string message is JSON-quoted). */
  messageJson: string;
  contentType: ContentType;
  /** The producer's own attributes. */
  attributes: Record<string, string>;
  publishedAt: Date;
  schemaVersion: number;
}

/** Splits a producer's message into the SNS body and its content type. */
export function snsBodyOf(message: unknown): { body: string; contentType: ContentType } {
  return typeof message === 'string'
    ? { body: message, contentType: 'text/plain' }
    : { body: JSON.stringify(message), contentType: 'application/json' };
}

/** The message attributes of one message: ours first, then the producer's. */
export function attributesOf(message: Omit<IngestMessage, 'messageJson'>): Record<string, string> {
  return {
    [ATTRIBUTE.transactionId]: message.transactionId,
    [ATTRIBUTE.contentType]: message.contentType,
    [ATTRIBUTE.publishedAt]: message.publishedAt.toISOString(),
    [ATTRIBUTE.schemaVersion]: String(message.schemaVersion),
    [ATTRIBUTE.topic]: message.topic,
    ...message.attributes,
  };
}

/** Attribute names as SNS and SQS accept them. */
export const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.)(?!.*\.\.)(?!\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/i;
