import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { SpanContext } from '@opentelemetry/api';
import { isCarriable } from '@pubsub-ingest/common';

/** One message on its way to SNS, built only from validated data. */
export interface OutgoingMessage {
  topicArn: string;
  body: string;
  /** Name/value pairs, reserved attributes first. */
  attributes: readonly (readonly [string, string])[];
  /** The producer span of the request, when tracing is on; the SNS call's span links to it. Not sent. */
  span?: SpanContext;
}

/** Size as SNS counts it against its 256 KiB limit: the body plus every attribute's name, type and value. */
export function snsSizeOf(message: Pick<OutgoingMessage, 'body' | 'attributes'>): number {
  let size = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of message.attributes) {
    size += Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(value, 'utf8');
  }
  return size;
}

/** Whether every character of the message can travel through SNS and SQS; validation guarantees it, this re-checks before the SDK sees it. */
export function isSendable(message: OutgoingMessage): boolean {
  return message.body.length > 0 && isCarriable(message.body) && message.attributes.every(([, value]) => value.length > 0 && isCarriable(value));
}

export function snsAttributesOf(attributes: OutgoingMessage['attributes']): Record<string, MessageAttributeValue> {
  // Object.fromEntries defines properties, so an attribute named `__proto__` is sent, not swallowed.
  return Object.fromEntries(attributes.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
}

/** SNS did not take the message for reasons of its own (throttled, unavailable, misconfigured): the client may retry. */
export class PublishFailedError extends Error {
  constructor(message: string, readonly throttled: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishFailedError';
  }
}

/** SNS, or the SDK encoding for it, refused this message itself: retrying it unchanged cannot succeed. */
export class PublishRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishRejectedError';
  }
}

/** Hands messages to SNS; resolves once SNS has acknowledged this message. */
export interface MessagePublisher {
  publish(message: OutgoingMessage): Promise<void>;
  /** Waits for everything accepted so far to be acknowledged or failed. */
  close(): Promise<void>;
}

const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'Throttled', 'RequestThrottled', 'TooManyRequestsException', 'KMSThrottlingException']);
/** Codes with which SNS refuses a message's own content. Other sender faults (authorisation, unknown topic, KMS) are ours. */
const MESSAGE_FAULT_CODES = new Set(['InvalidParameter', 'InvalidParameterValue', 'InvalidParameterException', 'ParameterValueInvalid', 'ValidationError', 'ValidationException']);

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

export function isThrottling(err: unknown): boolean {
  const e = err as SdkError;
  return THROTTLING_CODES.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429;
}

/**
 * An error raised inside the SDK before any request left (it has no `$metadata`), e.g. a
 * serializer's URIError. Such a failure can leave the client's serializer holding part of the
 * request, so the client must not be used again.
 */
export function isClientSideError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && !('$metadata' in err);
}

/** A whole call failed with a 4xx that names the request's content, not throttling or our configuration. */
export function isMessageFault(err: unknown): boolean {
  const e = err as SdkError;
  return e.$fault === 'client' && MESSAGE_FAULT_CODES.has(e.name ?? e.Code ?? '');
}

export function isMessageFaultCode(code: string | undefined): boolean {
  return MESSAGE_FAULT_CODES.has(code ?? '');
}

export function isThrottlingCode(code: string | undefined): boolean {
  return THROTTLING_CODES.has(code ?? '');
}

/** Turns a failed SNS call for one message into the error its request answers with. */
export function publishErrorOf(err: unknown, operation: string): PublishFailedError | PublishRejectedError {
  const e = err as Error;
  if (isClientSideError(err)) return new PublishRejectedError(`the message could not be encoded for SNS: ${e.name}: ${e.message}`, { cause: err });
  if (isMessageFault(err)) return new PublishRejectedError(`SNS refused the message: ${e.name}: ${e.message}`, { cause: err });
  return new PublishFailedError(`SNS ${operation} failed: ${e.name}: ${e.message}`, isThrottling(err), { cause: err });
}
