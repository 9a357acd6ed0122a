import type { Message } from '@aws-sdk/client-sqs';
import { stringAttributes } from '@pubsub-ingest/common';
import type { SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from '../ingest/ingest-core';

/** The one step from either transport's message shape to the ingest core's input; binary attributes are ignored. */
export function receivedMessageOf(message: Message | SQSRecord): ReceivedMessage {
  if ('messageId' in message) {
    return {
      messageId: message.messageId,
      receiveCount: Number(message.attributes?.ApproximateReceiveCount ?? 1),
      body: message.body,
      attributes: stringAttributes(message.messageAttributes, (v) => v.stringValue),
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    body: message.Body ?? '',
    attributes: stringAttributes(message.MessageAttributes, (v) => v.StringValue),
  };
}
