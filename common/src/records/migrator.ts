import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import * as createRecords from './migrations/2026_11_24_000000_create_records';
import * as keepExactMessageText from './migrations/2026_12_02_000000_keep_exact_message_text';
import { citusTopology, distributionRefusal } from './migrations/citus';

/** Every migration, in order. Listed in code (not read from disk) so bundles such as the Lambda carry them. */
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_24_000000_create_records': createRecords,
  '2026_12_02_000000_keep_exact_message_text': keepExactMessageText,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export class MigrationError extends Error {
  constructor(message: string, readonly results: MigrationResultSet['results'] = []) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrateOptions {
  /** Distribute tables on a Citus cluster that has no worker (all shards on the coordinator). */
  allowCoordinatorOnly?: boolean;
}

/**
 * Applies every pending migration. Kysely holds an advisory lock, so concurrent runs are safe.
 * Refuses, before changing anything, on a Citus coordinator without active workers.
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateOptions = {}): Promise<string[]> {
  const refusal = distributionRefusal(await citusTopology(db), options.allowCoordinatorOnly ?? false);
  if (refusal) throw new MigrationError(refusal, []);
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(failed ? `migration ${failed} failed: ${reason}` : `could not run migrations: ${reason}`, results);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
