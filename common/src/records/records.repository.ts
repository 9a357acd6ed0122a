import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { IngestMessage } from '../contract/message-contract';
import type { Database } from './records.table';

/**
 * Stores messages in one statement. A transaction id already stored is skipped, so redelivery
 * never writes a record twice. Returns the ids this call inserted.
 */
export async function insertRecords(db: Kysely<Database>, messages: readonly IngestMessage[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const rows = await db
    .insertInto('records')
    .values(
      messages.map((m) => ({
        transaction_id: m.transactionId,
        topic: m.topic,
        message: m.messageJson,
        content_type: m.contentType,
        attributes: JSON.stringify(m.attributes),
        schema_version: m.schemaVersion,
        published_at: m.publishedAt,
      })),
    )
    .onConflict((oc) => oc.column('transaction_id').doNothing())
    .returning('transaction_id')
    .execute();
  return new Set(rows.map((r) => r.transaction_id));
}

/** A stored record with its JSON columns as text, ready to be passed through without re-parsing. */
export interface StoredRecordText {
  transaction_id: string;
  topic: string;
  message: string;
  attributes: string;
  published_at: Date;
  received_at: Date;
}

/**
 * Reads one record by id on a named (prepared) statement: the hot read path, so it skips the query
 * builder, whose unnamed statements cost a parse and plan on every call.
 */
export async function findRecordById(pool: Pool, transactionId: string): Promise<StoredRecordText | undefined> {
  const { rows } = await pool.query<StoredRecordText>({
    name: 'find-record-by-id',
    text: `select transaction_id, topic, message::text as message, attributes::text as attributes, published_at, received_at
           from records where transaction_id = $1`,
    values: [transactionId],
  });
  return rows[0];
}

/** The record as GET /data/:id answers it: the stored JSON passes through without being parsed. */
export function storedRecordJson(record: StoredRecordText): string {
  return (
    `{"transaction_id":${JSON.stringify(record.transaction_id)}` +
    `,"topic":${JSON.stringify(record.topic)}` +
    `,"message":${record.message}` +
    `,"attributes":${record.attributes}` +
    `,"published_at":${JSON.stringify(record.published_at.toISOString())}` +
    `,"received_at":${JSON.stringify(record.received_at.toISOString())}}`
  );
}

/** Records never change, so the hash of their representation is a strong validator forever. */
export function storedRecordEtag(json: string): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}
