import { attributesOf, messageBodyOf, newTransactionId, SCHEMA_VERSION } from '@pubsub-ingest/common';

export interface EncodedMessage {
  transactionId: string;
  body: string;
  attributes: Record<string, string>;
}

/** A message encoded exactly as the publisher sends it to SNS. */
export function encodeMessage(message: unknown, options: { topic?: string; transactionId?: string; attributes?: Record<string, string> } = {}): EncodedMessage {
  const transactionId = options.transactionId ?? newTransactionId();
  const { body, contentType } = messageBodyOf(JSON.stringify(message), message);
  const pairs = attributesOf(
    { transactionId, topic: options.topic ?? 'data-ingestion-topic', contentType, publishedAt: new Date(), schemaVersion: SCHEMA_VERSION },
    Object.entries(options.attributes ?? {}),
  );
  return { transactionId, body, attributes: Object.fromEntries(pairs) };
}
