import { sql, type Kysely } from 'kysely';

/** Whether the database is a Citus coordinator, where tables are distributed explicitly. */
export async function isCitus(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ citus: boolean }>`select exists (select 1 from pg_extension where extname = 'citus') as citus`.execute(db);
  return rows[0]?.citus === true;
}

/** What the migration needs to know of a Citus cluster before it distributes tables. */
export interface CitusTopology {
  citus: boolean;
  /** Workers the coordinator would place shards on. */
  activeWorkers: number;
}

export async function citusTopology(db: Kysely<any>): Promise<CitusTopology> {
  if (!(await isCitus(db))) return { citus: false, activeWorkers: 0 };
  const { rows } = await sql<{ workers: number }>`select count(*)::int as workers from citus_get_active_worker_nodes()`.execute(db);
  return { citus: true, activeWorkers: rows[0]?.workers ?? 0 };
}

/**
 * Why tables must not be distributed yet, or undefined when they may. Without an active worker,
 * Citus puts every shard on the coordinator (or refuses, once the coordinator is registered), and
 * moving them later needs a rebalance: refuse, so the migration Job retries until the workers are
 * registered. A deliberately single-node cluster says so with `allowCoordinatorOnly`.
 */
export function distributionRefusal(topology: CitusTopology, allowCoordinatorOnly: boolean): string | undefined {
  if (!topology.citus || topology.activeWorkers > 0 || allowCoordinatorOnly) return undefined;
  return 'Citus has no active worker node: register the workers (citus_add_node) before migrating, '
    + 'or set MIGRATE_CITUS_COORDINATOR_ONLY=true for a single-node cluster';
}
