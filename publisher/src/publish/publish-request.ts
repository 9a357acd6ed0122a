import { inspectJsonText, MAX_MESSAGE_DEPTH, messageBodyOf, messageBytesAtLeast, SNS_MAX_MESSAGE_BYTES, UNSUPPORTED_ATTRIBUTE, type MessageBody } from '@pubsub-ingest/common';
import { AppError, errors } from '../http/app-error';
import type { JsonBody } from '../http/json-body';
import { BatchItem, fieldErrorsOf, IngestRequest } from './publish.schema';
import type { Topic, TopicAllowList } from './topic-allow-list';

/** A request to publish, checked against the whole message contract and ready to send. */
export interface PublishRequest {
  topic: Topic;
  message: MessageBody;
  /** The producer's attributes as name/value pairs (a `__proto__` name is an attribute like any other). */
  attributes: [string, string][];
  /** Only for a batch item, whose key is a field rather than a header. */
  idempotencyKey?: string;
}

/** A whole request body, or one item of a batch: the same rules, and an item may carry its own Idempotency-Key. */
const SHAPES = {
  body: { schema: IngestRequest, root: '(body)' },
  item: { schema: BatchItem, root: '(item)' },
} as const;

/**
 * Checks a POST /ingresar-datos body and keeps the message's JSON text exactly as the producer
 * wrote it. Anything the service could not publish and store unchanged is refused here, before
 * anything is sent, with a 4xx that names the field.
 */
export function parsePublishRequest(body: JsonBody, topics: TopicAllowList, shape: keyof typeof SHAPES = 'body'): PublishRequest {
  const { schema, root } = SHAPES[shape];
  const fieldOf = (path: readonly (string | number)[]) => (path.length ? path.join('.') : root);
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    throw errors.field('validation_failed', root, `the ${shape} must be a JSON object`);
  }

  const atLeast = messageBytesAtLeast((body.value as { message?: unknown }).message, SNS_MAX_MESSAGE_BYTES);
  if (atLeast > SNS_MAX_MESSAGE_BYTES) {
    throw new AppError('payload_too_large', `the message takes more than ${SNS_MAX_MESSAGE_BYTES} bytes, all SNS accepts with its attributes`);
  }

  // The message sits one level below the body, so the body may nest one level deeper than a message.
  const { problem, members } = inspectJsonText(body.text, { maxDepth: MAX_MESSAGE_DEPTH + 1 });
  if (problem) {
    const code = problem.code === 'malformed_json' ? 'malformed_json' : problem.code;
    throw errors.field(code, fieldOf(problem.path), problem.code === 'too_deep' ? `nested deeper than ${MAX_MESSAGE_DEPTH} levels` : problem.message);
  }

  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    const details = fieldErrorsOf(parsed.error, root);
    throw new AppError('validation_failed', details.map((d) => `${d.field}: ${d.message}`).join('; '), { details });
  }
  const raw = body.value as { topic_arn: string; message: unknown; attributes?: Record<string, string>; idempotency_key?: string };
  if (raw.attributes && Object.hasOwn(raw.attributes, UNSUPPORTED_ATTRIBUTE.name)) {
    throw errors.field('validation_failed', `attributes.${UNSUPPORTED_ATTRIBUTE.name}`, UNSUPPORTED_ATTRIBUTE.reason);
  }

  const topic = topics.resolve(raw.topic_arn);
  if (!topic) {
    throw new AppError('unknown_topic', `topic_arn "${raw.topic_arn}" is not a topic this service publishes to`, {
      details: [{ field: 'topic_arn', message: 'unknown topic' }],
    });
  }

  const span = members.get('message')!;
  return {
    topic,
    message: messageBodyOf(body.text.slice(span.start, span.end), raw.message),
    // Taken from the parsed body, not from zod's output, which assigns keys and so would drop `__proto__`.
    attributes: Object.entries(raw.attributes ?? {}),
    ...(raw.idempotency_key !== undefined ? { idempotencyKey: raw.idempotency_key } : {}),
  };
}
