import { Pool } from 'pg';
import { every, fmt, progress } from '../progress';
import { percentile, round } from '../stats';

/** The query the publisher's GET /data/:id runs (kysely builds the same text), as a named prepared statement. */
const FIND = `select "transaction_id", "topic", message::text as "message", attributes::text as "attributes", "published_at", "received_at"
from "records" where "transaction_id" = $1`;

/**
 * The `ceiling` of the read scenario: bare pg primary-key lookups on a pool of the publisher's size,
 * with as many callers as the HTTP run has connections; no HTTP, no framework, no query builder.
 */
export async function ceilingRead(options: { postgresUrl: string; poolSize: number; callers: number; durationS: number; ids: string[] }): Promise<Record<string, number>> {
  const pool = new Pool({ connectionString: options.postgresUrl, max: options.poolSize, application_name: 'pubsub-ingest-bench-ceiling' });
  pool.on('error', () => undefined);
  const latencies: number[] = [];
  let found = 0;
  try {
    // Warm every connection (and its prepared statement) before timing.
    await Promise.all(Array.from({ length: options.poolSize * 2 }, (_, i) => pool.query({ name: 'find-record', text: FIND, values: [options.ids[i % options.ids.length]] })));
    const endAt = performance.now() + options.durationS * 1000;
    const started = performance.now();
    const stopTicking = every(2_000, () => progress.tick(`ceiling: ${fmt.int(latencies.length)} lookups`));
    const caller = async () => {
      while (performance.now() < endAt) {
        const id = options.ids[Math.floor(Math.random() * options.ids.length)]!;
        const t0 = performance.now();
        const { rows } = await pool.query({ name: 'find-record', text: FIND, values: [id] });
        latencies.push(performance.now() - t0);
        if (rows.length === 1) found++;
      }
    };
    await Promise.all(Array.from({ length: options.callers }, caller)).finally(stopTicking);
    const seconds = (performance.now() - started) / 1000;
    if (found !== latencies.length) throw new Error(`ceiling: ${latencies.length - found} lookups found no row`);
    return { req_per_s: round(latencies.length / seconds, 1), p50_ms: round(percentile(latencies, 50), 3), p99_ms: round(percentile(latencies, 99), 3) };
  } finally {
    await pool.end();
  }
}
