import { sql, type Kysely } from 'kysely';
import { isCitus } from './citus';

// Frozen once released: later changes go into new migrations.
export async function up(db: Kysely<any>): Promise<void> {
  // `jsonb` rewrites what it stores (numbers, key order, duplicate keys) and refuses U+0000;
  // `json` keeps the producer's text exactly and still checks that it is JSON.
  await sql`alter table records alter column message type json using message::json`.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('transaction_id', 'uuid', (col) => col.primaryKey())
    .addColumn('request_sha256', 'bytea', (col) => col.notNull())
    .addColumn('claimed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  if (await isCitus(db)) {
    await sql`select create_distributed_table('idempotency_keys', 'transaction_id', colocate_with => 'records')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await sql`alter table records alter column message type jsonb using message::jsonb`.execute(db);
}
