import type { ColumnType, Generated } from 'kysely';

/** The `records` table: one row per transaction id, never updated. */
export interface RecordTable {
  transaction_id: string;
  topic: string;
  /** `json`, not `jsonb`: the text is kept exactly as the producer wrote it, and read back as text. */
  message: ColumnType<string, string, never>;
  content_type: string;
  attributes: ColumnType<Record<string, string>, string, never>;
  schema_version: number;
  published_at: ColumnType<Date, Date, never>;
  received_at: Generated<Date>;
}

/** The `idempotency_keys` table: which request first claimed each key-derived transaction id. */
export interface IdempotencyKeyTable {
  transaction_id: string;
  /** SHA-256 of the request that claimed the key (topic, content type, body, attributes). */
  request_sha256: Buffer;
  claimed_at: Generated<Date>;
}

export interface Database {
  records: RecordTable;
  idempotency_keys: IdempotencyKeyTable;
}
