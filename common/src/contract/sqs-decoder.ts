import { ATTRIBUTE, RESERVED_ATTRIBUTE_PREFIX, SCHEMA_VERSION, type ContentType, type IngestMessage } from './ingest-message';
import { isTransactionId } from './transaction-id';

export type DecodeResult = { ok: true; message: IngestMessage } | { ok: false; reason: string };

/** The parts of an SQS message the decoder reads; an SQS event record of Lambda maps onto it too. */
export interface QueuedMessage {
  body: string;
  /** String attributes of the SQS message (set when the subscription uses raw message delivery). */
  attributes: Record<string, string>;
}

/** The shape shared by an SQS ReceiveMessage result and a Lambda SQS event record (after key casing). */
export interface SqsMessageLike {
  Body?: string | undefined;
  MessageAttributes?: Record<string, { StringValue?: string | undefined }> | undefined;
}

export function queuedMessageOf(message: SqsMessageLike): QueuedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  return { body: message.Body ?? '', attributes };
}

interface SnsEnvelope {
  Type: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

function parseEnvelope(body: string): SnsEnvelope | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' && parsed !== null &&
      (parsed as SnsEnvelope).Type === 'Notification' && typeof (parsed as SnsEnvelope).Message === 'string'
    ) {
      return parsed as SnsEnvelope;
    }
  } catch {
    // not an envelope; the caller reports the missing attributes
  }
  return undefined;
}

/**
 * Reads one queued message, delivered raw (attributes on the SQS message) or inside the SNS JSON
 * envelope (attributes inside the body). Never throws: a bad message comes back with its reason.
 */
export function decodeQueuedMessage({ body, attributes }: QueuedMessage): DecodeResult {
  let payload = body;
  let attrs = attributes;
  if (attrs[ATTRIBUTE.transactionId] === undefined) {
    const envelope = parseEnvelope(body);
    if (envelope === undefined) return { ok: false, reason: `missing message attribute ${ATTRIBUTE.transactionId}` };
    payload = envelope.Message;
    attrs = {};
    for (const [name, value] of Object.entries(envelope.MessageAttributes ?? {})) {
      if (value.Type === 'String') attrs[name] = value.Value;
    }
  }

  const transactionId = attrs[ATTRIBUTE.transactionId];
  if (transactionId === undefined || !isTransactionId(transactionId)) {
    return { ok: false, reason: `message attribute ${ATTRIBUTE.transactionId} is missing or not a UUID` };
  }
  const schemaVersion = Number(attrs[ATTRIBUTE.schemaVersion]);
  if (schemaVersion !== SCHEMA_VERSION) {
    return { ok: false, reason: `unsupported schema version ${attrs[ATTRIBUTE.schemaVersion] ?? '(none)'}` };
  }
  const topic = attrs[ATTRIBUTE.topic];
  if (!topic) return { ok: false, reason: `message attribute ${ATTRIBUTE.topic} is missing` };
  const publishedAt = new Date(attrs[ATTRIBUTE.publishedAt] ?? '');
  if (Number.isNaN(publishedAt.getTime())) {
    return { ok: false, reason: `message attribute ${ATTRIBUTE.publishedAt} is not a timestamp` };
  }

  const contentType = attrs[ATTRIBUTE.contentType] as ContentType | undefined;
  let messageJson: string;
  if (contentType === 'text/plain') {
    messageJson = JSON.stringify(payload);
  } else if (contentType === 'application/json') {
    try {
      JSON.parse(payload);
    } catch {
      return { ok: false, reason: 'body is not valid JSON although its content type is application/json' };
    }
    messageJson = payload;
  } else {
    return { ok: false, reason: `unsupported content type ${contentType ?? '(none)'}` };
  }

  const userAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (!name.startsWith(RESERVED_ATTRIBUTE_PREFIX)) userAttributes[name] = value;
  }
  return {
    ok: true,
    message: { transactionId: transactionId.toLowerCase(), topic, messageJson, contentType, attributes: userAttributes, publishedAt, schemaVersion },
  };
}
