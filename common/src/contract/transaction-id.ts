import { v5 as uuidv5, v7 as uuidv7, validate as isUuid } from 'uuid';

/** Fixed namespace of the UUIDv5 ids derived from idempotency keys; changing it would break retries. */
const IDEMPOTENCY_NAMESPACE = '0b8f3d2e-5a4c-4c1e-9a57-3f1f2d7c6b10';

/** A fresh, time-ordered transaction id (UUIDv7), so ids sort roughly by publish time. */
export function newTransactionId(): string {
  return uuidv7();
}

/**
 * The id of a producer's retry: the same key on the same topic always gives the same id. With
 * authentication on, the producer is part of it, so two producers choosing the same key never meet.
 */
export function transactionIdForIdempotencyKey(topicArn: string, key: string, producer?: string): string {
  return uuidv5(producer === undefined ? `${topicArn}\n${key}` : JSON.stringify([topicArn, producer, key]), IDEMPOTENCY_NAMESPACE);
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isTransactionId(value: string): boolean {
  return UUID_TEXT.test(value) && isUuid(value);
}
