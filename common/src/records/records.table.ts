import type { ColumnType, Generated, Selectable } from 'kysely';

/** The `records` table: one row per transaction id, never updated. */
export interface RecordTable {
  transaction_id: string;
  topic: string;
  /** Written as JSON text; read back as JSON text (`message::text`) to pass through unparsed. */
  message: ColumnType<unknown, string, never>;
  content_type: string;
  attributes: ColumnType<Record<string, string>, string, never>;
  schema_version: number;
  published_at: ColumnType<Date, Date, never>;
  received_at: Generated<Date>;
}

export interface Database {
  records: RecordTable;
}

export type RecordRow = Selectable<RecordTable>;
