import { Gauge, type Registry } from 'prom-client';
import { cachedFor } from '../records/cached-for';

// Scrapes of several Prometheus replicas and the readiness probes share one check.
const SHARED_FOR_MS = 1_000;

/**
 * Exports the database's health as `database_up` and `database_degraded`, checked at scrape time
 * (so the gauges are current even where no probe runs), and returns the same check for readiness.
 */
export function observeDatabaseHealth(check: () => Promise<string | undefined>, registry: Registry): () => Promise<string | undefined> {
  const atScrape = async () => void (await observed().catch(() => undefined));
  const up = new Gauge({ name: 'database_up', help: '1 when the last readiness check could query the database, else 0.', registers: [registry], collect: atScrape });
  const degraded = new Gauge({
    name: 'database_degraded',
    help: '1 when the last readiness check found Citus workers the coordinator cannot reach, else 0.',
    registers: [registry],
    collect: atScrape,
  });
  const observed = cachedFor(SHARED_FOR_MS, async () => {
    try {
      const reason = await check();
      up.set(1);
      degraded.set(reason ? 1 : 0);
      return reason;
    } catch (err) {
      up.set(0);
      throw err;
    }
  });
  return observed;
}
