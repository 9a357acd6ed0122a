import { decodeQueuedMessage, insertRecords, type Database, type IngestMessage, type QueuedMessage } from '@pubsub-ingest/common';
import type { Kysely } from 'kysely';
import { isRowError } from './store-errors';

/**
 * What became of one queued message:
 * - `stored`: written now; `duplicate`: its transaction id was already stored. Both may be deleted.
 * - `invalid`: it cannot be decoded; it stays on the queue so the redrive policy moves it to the DLQ.
 * - `rejected`: the database refused this row itself; it too is left for the DLQ.
 * - `retry`: the database is unavailable; nothing was written and the message must be kept.
 */
export type IngestOutcome =
  | { status: 'stored' | 'duplicate'; message: IngestMessage }
  | { status: 'invalid'; reason: string }
  | { status: 'rejected'; reason: string; message: IngestMessage }
  | { status: 'retry'; reason: string };

export const isAcknowledgeable = (o: IngestOutcome): boolean => o.status === 'stored' || o.status === 'duplicate';

/** Decodes and stores messages with one statement; the one ingest path of the poller and the Lambda. */
export async function ingestMessages(db: Kysely<Database>, queued: readonly QueuedMessage[]): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = new Array(queued.length);
  const valid: { index: number; message: IngestMessage }[] = [];
  queued.forEach((q, index) => {
    const decoded = decodeQueuedMessage(q);
    if (decoded.ok) valid.push({ index, message: decoded.message });
    else outcomes[index] = { status: 'invalid', reason: decoded.reason };
  });
  const stored = await storeMessages(db, valid.map((v) => v.message));
  valid.forEach((v, i) => (outcomes[v.index] = stored[i]!));
  return outcomes;
}

/** Stores already-decoded messages; outcomes come back in the order of the input. */
export async function storeMessages(db: Kysely<Database>, messages: readonly IngestMessage[]): Promise<IngestOutcome[]> {
  if (messages.length === 0) return [];
  try {
    const inserted = await insertRecords(db, dedupeById(messages));
    return messages.map((message) => ({ status: inserted.delete(message.transactionId) ? 'stored' : 'duplicate', message }));
  } catch (err) {
    if (!isRowError(err)) return messages.map(() => ({ status: 'retry', reason: describe(err) }));
  }
  // One row spoiled the statement: store the rest one by one so only the bad row is left behind.
  const outcomes: IngestOutcome[] = [];
  for (const message of messages) {
    try {
      const inserted = await insertRecords(db, [message]);
      outcomes.push({ status: inserted.has(message.transactionId) ? 'stored' : 'duplicate', message });
    } catch (err) {
      outcomes.push(isRowError(err) ? { status: 'rejected', reason: describe(err), message } : { status: 'retry', reason: describe(err) });
    }
  }
  return outcomes;
}

/** A message redelivered while its first copy waits in the same batch is sent to the database once. */
function dedupeById(messages: readonly IngestMessage[]): IngestMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(m.transactionId) && (seen.add(m.transactionId), true));
}

function describe(err: unknown): string {
  const code = (err as { code?: string }).code;
  return `${code ? `${code} ` : ''}${err instanceof Error ? err.message : String(err)}`;
}
