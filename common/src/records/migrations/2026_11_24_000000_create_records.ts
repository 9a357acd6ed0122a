import { sql, type Kysely } from 'kysely';
import { isCitus } from './citus';

// Frozen once released: later changes go into new migrations.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('records')
    .addColumn('transaction_id', 'uuid', (col) => col.primaryKey())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('message', 'jsonb', (col) => col.notNull())
    .addColumn('content_type', 'text', (col) => col.notNull())
    .addColumn('attributes', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('schema_version', 'smallint', (col) => col.notNull())
    .addColumn('published_at', 'timestamptz', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // On Citus, shard by the primary key so a read by id touches exactly one shard.
  if (await isCitus(db)) {
    await sql`select create_distributed_table('records', 'transaction_id')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('records').execute();
}
