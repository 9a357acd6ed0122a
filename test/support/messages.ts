import { attributesOf, newTransactionId, SCHEMA_VERSION, snsBodyOf } from '@pubsub-ingest/common';

export interface EncodedMessage {
  transactionId: string;
  body: string;
  attributes: Record<string, string>;
}

/** A message encoded exactly as the publisher sends it to SNS. */
export function encodeMessage(message: unknown, options: { topic?: string; transactionId?: string; attributes?: Record<string, string> } = {}): EncodedMessage {
  const transactionId = options.transactionId ?? newTransactionId();
  const { body, contentType } = snsBodyOf(message);
  return {
    transactionId,
    body,
    attributes: attributesOf({
      transactionId,
      topic: options.topic ?? 'data-ingestion-topic',
      contentType,
      attributes: options.attributes ?? {},
      publishedAt: new Date(),
      schemaVersion: SCHEMA_VERSION,
    }),
  };
}
