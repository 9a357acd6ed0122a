import type { MessageAttributeValue } from '@aws-sdk/client-sns';

/** One message on its way to SNS. */
export interface OutgoingMessage {
  topicArn: string;
  body: string;
  attributes: Record<string, string>;
}

/** Size as SNS counts it against its 256 KiB limit: the body plus every attribute's name, type and value. */
export function snsSizeOf(message: Pick<OutgoingMessage, 'body' | 'attributes'>): number {
  let size = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(message.attributes)) {
    size += Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(value, 'utf8');
  }
  return size;
}

export function snsAttributesOf(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) result[name] = { DataType: 'String', StringValue: value };
  return result;
}

/** SNS did not take the message: throttled, unavailable, or misconfigured. The client may retry later. */
export class PublishFailedError extends Error {
  constructor(message: string, readonly throttled: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishFailedError';
  }
}

/** Hands messages to SNS; resolves once SNS has acknowledged this message. */
export interface MessagePublisher {
  publish(message: OutgoingMessage): Promise<void>;
  /** Waits for everything accepted so far to be acknowledged or failed. */
  close(): Promise<void>;
}

const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'TooManyRequestsException', 'KMSThrottlingException']);

export function isThrottling(err: unknown): boolean {
  const name = (err as { name?: string; Code?: string }).name ?? '';
  return THROTTLING_CODES.has(name) || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 429;
}
