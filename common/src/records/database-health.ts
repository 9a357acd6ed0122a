import { sql, type Kysely } from 'kysely';
import { cachedFor } from './cached-for';
import { isCitus } from './migrations/citus';

// The coordinator opens a connection to each worker per probe; kubelets probe every few seconds.
const CITUS_PROBE_CACHE_MS = 10_000;

/**
 * Checks the database for readiness: rejects when it cannot be queried, and resolves with why it
 * is degraded — Citus workers the coordinator cannot reach, whose shards' reads and writes fail —
 * or undefined when all is well. Degraded is not unready: the other shards still serve, and
 * taking every pod out of its Service would turn a partial outage into a full one.
 */
export function databaseHealthCheck(db: Kysely<any>): () => Promise<string | undefined> {
  let citus: boolean | undefined;
  const probeWorkers = cachedFor(CITUS_PROBE_CACHE_MS, async (): Promise<string | undefined> => {
    const { rows } = await sql<{ node: string; reachable: boolean }>`
      select nodename || ':' || nodeport as node, citus_check_connection_to_node(nodename, nodeport) as reachable
      from pg_dist_node where noderole = 'primary' and isactive and groupid <> 0 order by 1`.execute(db);
    const unreachable = rows.filter((r) => !r.reachable).map((r) => r.node);
    return unreachable.length ? `Citus workers unreachable: ${unreachable.join(', ')}` : undefined;
  });
  return async () => {
    await sql`select 1`.execute(db);
    citus ??= await isCitus(db);
    return citus ? probeWorkers() : undefined;
  };
}
