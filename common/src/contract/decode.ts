import type { z } from 'zod';
import { inspectJsonText } from './json-text';
import { MAX_MESSAGE_DEPTH } from './limits';
import { ATTRIBUTE, messageEnvelope, RESERVED_ATTRIBUTE_PREFIX, SCHEMA_VERSION, UNSUPPORTED_ATTRIBUTE, userAttributes, type IngestMessage } from './message-contract';
import type { QueuedMessage } from './queued-message';

export type DecodeResult = { ok: true; message: IngestMessage } | { ok: false; reason: string };

interface SnsEnvelope {
  Type: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

function parseEnvelope(body: string): SnsEnvelope | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && (parsed as SnsEnvelope).Type === 'Notification' && typeof (parsed as SnsEnvelope).Message === 'string') {
      return parsed as SnsEnvelope;
    }
  } catch {
    // not an envelope; the caller reports the missing attributes
  }
  return undefined;
}

function issuesOf(error: z.ZodError, prefix: string): string {
  return error.issues.map((i) => `${prefix}${i.path.map(String).join('.')}: ${i.message}`).join('; ');
}

/**
 * Reads one queued message, delivered raw (attributes on the SQS message) or inside the SNS JSON
 * envelope (attributes inside the body), against the same contract the publisher enforced. Never
 * throws: a message outside the contract comes back with its reason.
 */
export function decodeQueuedMessage({ body, attributes }: QueuedMessage): DecodeResult {
  let payload = body;
  let attrs = attributes;
  if (attrs[ATTRIBUTE.transactionId] === undefined) {
    const envelope = parseEnvelope(body);
    if (envelope === undefined) return { ok: false, reason: `missing message attribute ${ATTRIBUTE.transactionId}` };
    payload = envelope.Message;
    attrs = Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).filter(([, v]) => v.Type === 'String').map(([k, v]) => [k, v.Value]));
  }

  const envelope = messageEnvelope.safeParse(attrs);
  if (!envelope.success) return { ok: false, reason: issuesOf(envelope.error, 'message attribute ') };
  const reserved = envelope.data;

  const userPairs = Object.entries(attrs).filter(([name]) => !name.toLowerCase().startsWith(RESERVED_ATTRIBUTE_PREFIX));
  if (userPairs.some(([name]) => name === UNSUPPORTED_ATTRIBUTE.name)) return { ok: false, reason: `attribute ${UNSUPPORTED_ATTRIBUTE.name}: ${UNSUPPORTED_ATTRIBUTE.reason}` };
  const user = userAttributes.safeParse(Object.fromEntries(userPairs));
  if (!user.success) return { ok: false, reason: issuesOf(user.error, 'attribute ') };

  const contentType = reserved[ATTRIBUTE.contentType];
  let messageJson: string;
  if (contentType === 'text/plain') {
    messageJson = JSON.stringify(payload);
  } else {
    // Syntax is checked by Postgres as the `json` column takes the text; the rest of the contract here.
    const { problem } = inspectJsonText(payload, { maxDepth: MAX_MESSAGE_DEPTH });
    if (problem) return { ok: false, reason: `message ${problem.code}${problem.path.length ? ` at ${problem.path.join('.')}` : ''}: ${problem.message}` };
    messageJson = payload;
  }

  return {
    ok: true,
    message: {
      transactionId: reserved[ATTRIBUTE.transactionId].toLowerCase(),
      topic: reserved[ATTRIBUTE.topic],
      messageJson,
      contentType,
      attributes: Object.fromEntries(userPairs),
      publishedAt: new Date(reserved[ATTRIBUTE.publishedAt]),
      schemaVersion: SCHEMA_VERSION,
    },
  };
}
