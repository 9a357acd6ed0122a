import { z } from 'zod';
import { envVar, readEnv } from '../config/env';
import { awsEnv, loggingEnv } from '../config/shared-env';
import { createLogger } from '../logging/logger';
import { createDatabase, databaseEnv } from '../records/database';
import { databasePasswordProvider } from '../records/database-credentials';
import { migrateToLatest } from '../records/migrator';

const migrateEnv = z
  .object({
    ...loggingEnv,
    ...databaseEnv,
    AWS_REGION: awsEnv.AWS_REGION.optional(),
    AWS_ENDPOINT_URL: awsEnv.AWS_ENDPOINT_URL,
    /** A Citus cluster run on its coordinator alone, on purpose: distribute without workers. */
    MIGRATE_CITUS_COORDINATOR_ONLY: envVar.boolean(false),
  })
  .refine((env) => (!env.DATABASE_SECRET_ARN && env.DATABASE_AUTH !== 'iam') || env.AWS_REGION, { path: ['AWS_REGION'], message: 'required with DATABASE_SECRET_ARN or DATABASE_AUTH=iam' });

/** `npm run migrate` and the Kubernetes migration Job: apply pending migrations, then exit. */
async function main(): Promise<void> {
  const config = readEnv(migrateEnv);
  const logger = createLogger('migrate', config.LOG_LEVEL);
  const password = config.AWS_REGION ? databasePasswordProvider({ ...config, AWS_REGION: config.AWS_REGION }) : undefined;
  const database = createDatabase({ ...config, DATABASE_POOL_SIZE: 1 }, { logger, applicationName: 'pubsub-ingest-migrate', ...(password ? { password } : {}) });
  try {
    const applied = await migrateToLatest(database.db, { allowCoordinatorOnly: config.MIGRATE_CITUS_COORDINATOR_ONLY });
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
  } finally {
    await database.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
