import { databaseHealthCheck, migrateToLatest } from '@pubsub-ingest/common';
import { createTestDatabase, type TestDatabase } from './support/database';

describe('records store', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('When migrations run again, then nothing is applied and the tables keep their primary keys', async () => {
    expect(await migrateToLatest(database.db)).toEqual([]);
    const { rows } = await database.pool.query(
      `select i.indrelid::regclass::text as "table", a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid in ('records'::regclass, 'idempotency_keys'::regclass) and i.indisprimary order by 1`,
    );
    expect(rows).toEqual([
      { table: 'idempotency_keys', attname: 'transaction_id' },
      { table: 'records', attname: 'transaction_id' },
    ]);
  });

  it('When a message is stored, then its column keeps the text exactly as written', async () => {
    const text = '{"b": 1,  "a": [12345678901234567890, 1e-400], "__proto__": "\\u0000", "b2": "\\ud83d\\ude00"}';
    await database.pool.query(
      `insert into records (transaction_id, topic, message, content_type, attributes, schema_version, published_at)
       values ('0193a6a0-0000-7000-8000-0000000000aa', 't', $1, 'application/json', '{}', 1, now())`,
      [text],
    );
    const { rows } = await database.pool.query(`select message::text as message from records where transaction_id = '0193a6a0-0000-7000-8000-0000000000aa'`);
    expect(rows).toEqual([{ message: text }]);
  });

  it('When the database is plain PostgreSQL, then its health check is ok (no Citus workers to probe)', async () => {
    const check = databaseHealthCheck(database.db);
    expect(await check()).toBeUndefined();
    expect(await check()).toBeUndefined();
  });
});
