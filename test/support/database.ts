import { randomBytes } from 'node:crypto';
import { createDatabase, databaseEnv, migrateToLatest, readEnv, type DatabaseHandle } from '@pubsub-ingest/common';
import { Client } from 'pg';
import { z } from 'zod';
import { stackEnv } from './stack-env';

export interface TestDatabase extends DatabaseHandle {
  url: string;
  count(): Promise<number>;
  drop(): Promise<void>;
}

export function databaseConfig(url: string, poolSize = 4) {
  return readEnv(z.object(databaseEnv), { DATABASE_URL: url, DATABASE_POOL_SIZE: String(poolSize), DATABASE_CONNECT_TIMEOUT_MS: '2000' });
}

/** A fresh, migrated database of its own on the given server (default: the run's shared one). */
export async function createTestDatabase(serverUrl = stackEnv('databaseUrl')): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createDatabase(databaseConfig(url.toString()));
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    count: async () => Number((await handle.pool.query('select count(*) from records')).rows[0].count),
    drop: async () => {
      await handle.destroy();
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
