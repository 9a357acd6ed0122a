import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrateToLatest } from '@pubsub-ingest/common';
import { storeMessages } from '../subscriber/src/ingest/ingest-core';
import { renderOpenApiYaml } from '../publisher/src/openapi/write-openapi';
import { createTestDatabase, type TestDatabase } from './support/database';
import { decodeQueuedMessage } from '@pubsub-ingest/common';
import { encodeMessage } from './support/messages';

describe('records store', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('When migrations run again, then nothing is applied and the table keeps its primary key', async () => {
    expect(await migrateToLatest(database.db)).toEqual([]);
    const { rows } = await database.pool.query(
      `select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid = 'records'::regclass and i.indisprimary`,
    );
    expect(rows).toEqual([{ attname: 'transaction_id' }]);
  });

  it('When one row of a batch is refused by the database, then only it is rejected and the others are stored', async () => {
    const decode = (m: ReturnType<typeof encodeMessage>) => {
      const result = decodeQueuedMessage(m);
      if (!result.ok) throw new Error(result.reason);
      return result.message;
    };
    const good = [decode(encodeMessage({ ok: 1 })), decode(encodeMessage({ ok: 2 }))];
    // A NUL character is valid JSON text but Postgres jsonb refuses it (SQLSTATE 22P05): a row error.
    const bad = decode(encodeMessage({ nul: '\u0000' }));
    const outcomes = await storeMessages(database.db, [good[0]!, bad, good[1]!]);
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'rejected', 'stored']);
  });
});

describe('OpenAPI document', () => {
  it('When the committed openapi.yaml is compared with the schemas, then it is current (run `npm run openapi` to refresh)', () => {
    expect(readFileSync(join(__dirname, '..', 'publisher', 'openapi.yaml'), 'utf8')).toBe(renderOpenApiYaml());
  });
});
