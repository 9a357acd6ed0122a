import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad } from '../load/autocannon-run';
import { freePort } from '@pubsub-ingest/local-stack';
import { ceilingRead } from '../peers/ceiling-read';
import { startPeerProcess } from '../peers/peer-process';
import { fmt, progress } from '../progress';
import { startService } from '../services';
import type { Stack } from '../bench-stack';
import { round } from '../stats';
import { measure, type Scenario, type ScenarioContext } from './context';

/** Rows shaped like the subscriber's, written directly (this scenario measures reads only). */
async function seedRecords(stack: Stack, rows: number): Promise<string[]> {
  const have = await stack.countRecords();
  if (have < rows) {
    progress.step(`storing ${fmt.int(rows - have)} records to read`);
    await stack.pool.query(
      `insert into records (transaction_id, topic, message, content_type, attributes, schema_version, published_at)
       select gen_random_uuid(), $1, jsonb_build_object('sensor', 'th-' || (n % 97), 'temperature', 18 + (n % 70) / 10.0, 'humidity', 40 + n % 30, 'seq', n),
              'application/json', jsonb_build_object('site', 'plant-' || (n % 5)), 1, now()
       from generate_series(1, $2::int) as n`,
      [stack.topicName, rows - have],
    );
  }
  await stack.pool.query('analyze records');
  const { rows: sample } = await stack.pool.query<{ id: string }>(`select transaction_id::text as id from records order by random() limit 20000`);
  return sample.map((r) => r.id);
}

interface ReadServer {
  url: string;
  pid: number;
}

/**
 * Loads one server with GETs of random stored records: at full speed, and for `ours` also at half
 * that rate. The server's cores (and Postgres') are metered over the full-speed run.
 */
async function readFrom(context: ScenarioContext, system: string, server: ReadServer, ids: string[], withHalfRate: boolean): Promise<Record<string, number>> {
  const { stack, options } = context;
  const { durationS, connections } = options.sizes.read;
  const nextPath = () => `/data/${ids[Math.floor(Math.random() * ids.length)]}`;
  const base = { url: server.url, method: 'GET' as const, nextPath };
  await runLoad({ ...base, label: `${system} warm-up`, connections, durationS: Math.min(2, durationS) });
  const cpu = { server: meterCpu(server.pid), postgres: meterCpu(stack.postgres.pid) };
  const max = await runLoad({ ...base, label: `${system} max`, connections, durationS });
  const cores = { cpu_cores: cpu.server.stop(), postgres_cpu_cores: cpu.postgres.stop() };
  progress.done(`${system} max: ${fmt.int(max.reqPerS)} req/s, p50 ${fmt.ms(max.p50Ms)} ms, p99 ${fmt.ms(max.p99Ms)} ms`);
  let failed = max.failed;
  const metrics: Record<string, number> = { req_per_s: max.reqPerS, p50_ms: max.p50Ms, p99_ms: max.p99Ms };
  if (withHalfRate) {
    const halfRate = Math.max(1, Math.round(max.reqPerS / 2));
    const half = await runLoad({ ...base, label: `${system} at ${fmt.int(halfRate)}/s`, connections, durationS, overallRate: halfRate });
    progress.done(`${system} at half the max rate: ${fmt.int(half.reqPerS)} req/s, p50 ${fmt.ms(half.p50Ms)} ms, p99 ${fmt.ms(half.p99Ms)} ms`);
    failed += half.failed;
    Object.assign(metrics, { req_per_s_half: round(half.reqPerS, 1), p50_ms_half: half.p50Ms, p99_ms_half: half.p99Ms });
  }
  if (failed > 0) throw new Error(`${failed} reads failed`);
  for (const [name, value] of Object.entries(cores)) withCpu(metrics, name, value);
  if (cores.cpu_cores) metrics.req_per_cpu_s = round(max.reqPerS / cores.cpu_cores, 0);
  return metrics;
}

async function readOurs(context: ScenarioContext, ids: string[]): Promise<Record<string, number>> {
  const { stack, options } = context;
  const publisher = await startService('publisher', stack, {
    env: { DATABASE_POOL_SIZE: String(options.sizes.poolSize) },
    ...(context.profileDir ? { cpuProfile: { dir: context.profileDir, name: 'publisher-read.cpuprofile' } } : {}),
  });
  try {
    return await readFrom(context, 'ours', { url: publisher.url, pid: publisher.process.pid }, ids, true);
  } finally {
    await publisher.stop();
  }
}

async function readNodeHttp(context: ScenarioContext, ids: string[]): Promise<Record<string, number>> {
  const { stack, options } = context;
  progress.step('node_http: node:http and pg in a process of their own, same pool size and query');
  const port = await freePort();
  const peer = startPeerProcess('node-http', 'node-http-read-peer', {
    DATABASE_URL: stack.postgresUrl,
    DATABASE_POOL_SIZE: String(options.sizes.poolSize),
    PORT: String(port),
  });
  try {
    await peer.waitFor('ready', 30_000);
    return await readFrom(context, 'node_http', { url: `http://127.0.0.1:${port}`, pid: peer.process.pid }, ids, false);
  } finally {
    await peer.stop();
  }
}

export const readScenario: Scenario = {
  name: 'read',
  what: 'GET /data/:id of random stored records: req/s, p50, p99 — ours vs bare node:http + pg and bare pg lookups',
  expected: () => ({
    ours: ['req_per_s', 'p50_ms', 'p99_ms', 'p99_ms_half'],
    node_http: ['req_per_s', 'p50_ms', 'p99_ms'],
    ceiling: ['req_per_s', 'p50_ms', 'p99_ms'],
  }),
  run: async (context) => {
    const { stack, options } = context;
    const ids = await seedRecords(stack, options.sizes.read.rows);
    const ours = await measure('read ours', () => readOurs(context, ids));
    const nodeHttp = await measure('read node_http', () => readNodeHttp(context, ids));
    progress.step('ceiling: bare pg lookups, same pool size, no HTTP');
    const ceiling = await measure('read ceiling', async () => {
      const postgresCpu = meterCpu(stack.postgres.pid);
      const clientCpu = process.cpuUsage();
      const started = performance.now();
      const r = await ceilingRead({
        postgresUrl: stack.postgresUrl,
        poolSize: options.sizes.poolSize,
        callers: options.sizes.read.connections,
        durationS: options.sizes.read.durationS,
        ids,
      });
      const used = process.cpuUsage(clientCpu);
      withCpu(r, 'cpu_cores', round((used.user + used.system) / 1e6 / ((performance.now() - started) / 1000), 2));
      withCpu(r, 'postgres_cpu_cores', postgresCpu.stop());
      if (r.cpu_cores) r.req_per_cpu_s = round(r.req_per_s! / r.cpu_cores, 0);
      progress.done(`ceiling: ${fmt.int(r.req_per_s!)} req/s, p50 ${fmt.ms(r.p50_ms!)} ms, p99 ${fmt.ms(r.p99_ms!)} ms`);
      return r;
    });
    return { ours, node_http: nodeHttp, ceiling };
  },
};
