import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { claimIdempotencyKey, type IdempotencyClaim } from '@pubsub-ingest/common';
import type { Pool } from 'pg';
import { AppError } from '../http/app-error';
import type { PublishRequest } from './publish-request';
import { IdempotencyKey } from './publish.schema';

/** Where keys are claimed; the database in production. */
export interface IdempotencyStore {
  claim(transactionId: string, requestSha256: Buffer): Promise<IdempotencyClaim>;
}

export function databaseIdempotencyStore(pool: Pool): IdempotencyStore {
  return { claim: (transactionId, requestSha256) => claimIdempotencyKey(pool, transactionId, requestSha256) };
}

/** The request's Idempotency-Key, undefined when the header is absent; present but empty, too long or not visible ASCII is a 400. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const header = ctx.req.headers['idempotency-key'];
  if (header === undefined) return undefined;
  // Node joins repeated headers with ", ", which no valid key contains.
  const key = Array.isArray(header) ? header.join(', ') : header;
  if (!IdempotencyKey.safeParse(key).success) {
    throw new AppError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters, sent once');
  }
  return key;
}

/** What a retry must repeat for its key to be accepted: the topic, the message as sent, and the attributes. */
export function requestFingerprint(request: PublishRequest): Buffer {
  return createHash('sha256')
    .update(JSON.stringify([request.topic.arn, request.message.contentType, request.message.body, request.attributes]))
    .digest();
}
