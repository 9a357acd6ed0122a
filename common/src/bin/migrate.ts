import { z } from 'zod';
import { envVar, readEnv } from '../config/env';
import { createLogger } from '../logging/logger';
import { createDatabase, databaseEnv } from '../records/database';
import { migrateToLatest } from '../records/migrator';

/** `npm run migrate` and the Kubernetes migration Job: apply pending migrations, then exit. */
async function main(): Promise<void> {
  const config = readEnv(z.object({ ...databaseEnv, LOG_LEVEL: envVar.logLevel() }));
  const logger = createLogger('migrate', config.LOG_LEVEL);
  const database = createDatabase({ ...config, DATABASE_POOL_SIZE: 1 }, { logger, applicationName: 'pubsub-ingest-migrate' });
  try {
    const applied = await migrateToLatest(database.db);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
  } finally {
    await database.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
