import { insertRecords, type Database, type IngestMessage } from '@pubsub-ingest/common';
import type { Kysely } from 'kysely';
import { isRowError } from './store-errors';

/** What the database made of one decoded message. */
export type StoreOutcome =
  | { status: 'stored' | 'duplicate' }
  | { status: 'rejected'; reason: string }
  | { status: 'retry'; reason: string };

/**
 * Stores decoded messages with one statement; outcomes come back in input order. A row the
 * database refuses spoils only itself: the statement is retried row by row. When the database
 * itself is unavailable every message comes back as `retry`.
 */
export async function storeMessages(db: Kysely<Database>, messages: readonly IngestMessage[]): Promise<StoreOutcome[]> {
  if (messages.length === 0) return [];
  try {
    const inserted = await insertRecords(db, dedupeById(messages));
    return messages.map((message) => ({ status: inserted.delete(message.transactionId) ? 'stored' : 'duplicate' }));
  } catch (err) {
    if (!isRowError(err)) return messages.map(() => ({ status: 'retry', reason: describe(err) }));
  }
  const outcomes: StoreOutcome[] = [];
  for (const message of messages) {
    try {
      const inserted = await insertRecords(db, [message]);
      outcomes.push({ status: inserted.has(message.transactionId) ? 'stored' : 'duplicate' });
    } catch (err) {
      outcomes.push(isRowError(err) ? { status: 'rejected', reason: describe(err) } : { status: 'retry', reason: describe(err) });
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
