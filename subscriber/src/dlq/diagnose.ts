import { decodeQueuedMessage, insertRecords, type Database } from '@pubsub-ingest/common';
import type { Kysely } from 'kysely';
import { isRowError } from '../ingest/store-errors';
import { receivedMessageOf } from '../sqs/received-message';
import type { DeadLetter } from './dead-letter-queue';

/** What would happen to a dead letter if it were delivered again now. */
export type Diagnosis =
  | { verdict: 'storable'; transactionId: string; alreadyStored: boolean }
  | { verdict: 'invalid' | 'rejected'; reason: string; transactionId?: string };

class RolledBack extends Error {}

/**
 * Runs a dead letter through the subscriber's own decoding and an insert that is rolled back, so
 * the reason shown is the one that holds now, and a message whose cause is fixed shows as storable.
 */
export async function diagnose(db: Kysely<Database>, message: DeadLetter): Promise<Diagnosis> {
  const decoded = decodeQueuedMessage(receivedMessageOf(message));
  if (!decoded.ok) return { verdict: 'invalid', reason: decoded.reason };
  const { transactionId } = decoded.message;
  let inserted = false;
  try {
    await db.transaction().execute(async (trx) => {
      inserted = (await insertRecords(trx, [decoded.message])).has(transactionId);
      throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) {
      if (isRowError(err)) return { verdict: 'rejected', reason: `${(err as { code?: string }).code} ${(err as Error).message}`, transactionId };
      throw err;
    }
  }
  return { verdict: 'storable', transactionId, alreadyStored: !inserted };
}
