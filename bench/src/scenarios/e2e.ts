import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad } from '../load/autocannon-run';
import { scrapeMetrics, total } from '../prometheus-scrape';
import { sampleRequest } from '../messages';
import { fmt, progress } from '../progress';
import { startService } from '../services';
import type { Stack } from '../bench-stack';
import { percentile, round } from '../stats';
import { startOtlpSink } from '../peers/otlp-sink';
import type { SystemResult } from '../report/results';
import { measure, type Scenario, type ScenarioContext } from './context';

const CHANNEL = 'bench_records_visible';

/**
 * Tells the bench the moment rows become visible: a statement-level trigger sends the ids of the
 * rows a statement inserted, and Postgres delivers the notification when the transaction commits.
 * It exists only during this scenario, in the bench's own database.
 */
const INSTALL_NOTIFY = `
create or replace function bench_notify_visible() returns trigger language plpgsql as $$
declare
  ids text[];
  i int := 1;
begin
  select array_agg(transaction_id::text) into ids from new_rows;
  while i <= coalesce(array_length(ids, 1), 0) loop
    perform pg_notify('${CHANNEL}', array_to_string(ids[i:i + 199], ','));
    i := i + 200;
  end loop;
  return null;
end $$;
drop trigger if exists bench_notify_visible on records;
create trigger bench_notify_visible after insert on records
  referencing new table as new_rows for each statement execute function bench_notify_visible();`;
const REMOVE_NOTIFY = `drop trigger if exists bench_notify_visible on records; drop function if exists bench_notify_visible();`;

async function listenForRows(stack: Stack, seen: Map<string, number>): Promise<Client> {
  const client = new Client({ connectionString: stack.postgresUrl, application_name: 'pubsub-ingest-bench-listen' });
  await client.connect();
  client.on('notification', (n) => {
    const at = Date.now();
    for (const id of (n.payload ?? '').split(',')) if (id) seen.set(id, at);
  });
  await client.query(`listen ${CHANNEL}`);
  return client;
}

async function runE2e(context: ScenarioContext, extraEnv: Record<string, string> = {}): Promise<Record<string, number>> {
  const { stack, options } = context;
  const { rate, durationS, connections } = options.sizes.e2e;
  await stack.truncateRecords();
  await stack.freshMessaging();
  await stack.pool.query(INSTALL_NOTIFY);
  const acknowledged = new Map<string, number>();
  const seen = new Map<string, number>();
  const listener = await listenForRows(stack, seen);
  const env = { DATABASE_POOL_SIZE: String(options.sizes.poolSize), ...extraEnv };
  progress.step('starting the subscriber and the publisher');
  const subscriber = await startService('subscriber', stack, { env: { ...env, POLLERS: String(options.sizes.pollers) } });
  try {
    const publisher = await startService('publisher', stack, { env });
    try {
      progress.step(`${fmt.int(rate)} POST/s for ${durationS} s; lag from each 202 to its row being visible`);
      const cpu = {
        publisher: meterCpu(publisher.process.pid),
        subscriber: meterCpu(subscriber.process.pid),
        emulator: meterCpu(stack.emulator.pid),
        postgres: meterCpu(stack.postgres.pid),
      };
      // Messages the subscriber holds (received, not yet deleted), sampled through the load: Little's law checks the SQS in-flight model.
      const inFlight: number[] = [];
      const sampler = setInterval(() => {
        scrapeMetrics(subscriber.url).then((m) => inFlight.push(total(m, 'ingest_in_flight_messages')), () => undefined);
      }, 250);
      const batchesBefore = await scrapeMetrics(publisher.url);
      const load = await runLoad({
        label: 'e2e',
        url: `${publisher.url}/ingresar-datos`,
        method: 'POST',
        body: JSON.stringify(sampleRequest(stack.topicName, 7)),
        headers: { 'content-type': 'application/json' },
        connections,
        durationS,
        overallRate: rate,
        onResponse: (status, body, at) => {
          if (status !== 202) return;
          const id = (JSON.parse(body) as { transaction_id?: string }).transaction_id;
          if (id) acknowledged.set(id, at);
        },
      }).finally(() => clearInterval(sampler));
      const batchesAfter = await scrapeMetrics(publisher.url);
      const cores = {
        publisher_cpu_cores: cpu.publisher.stop(),
        subscriber_cpu_cores: cpu.subscriber.stop(),
        emulator_cpu_cores: cpu.emulator.stop(),
        postgres_cpu_cores: cpu.postgres.stop(),
      };
      const calls = total(batchesAfter, 'sns_publish_batch_size_count') - total(batchesBefore, 'sns_publish_batch_size_count');
      const entries = total(batchesAfter, 'sns_publish_batch_size_sum') - total(batchesBefore, 'sns_publish_batch_size_sum');
      const deadline = Date.now() + 30_000;
      const missing = () => [...acknowledged.keys()].filter((id) => !seen.has(id)).length;
      while (missing() > 0 && Date.now() < deadline) await sleep(100);
      const lost = missing();
      if (lost > 0) throw new Error(`${lost} of ${acknowledged.size} acknowledged messages were not stored within 30 s`);
      const lags = [...acknowledged].map(([id, at]) => seen.get(id)! - at);
      const result: Record<string, number> = {
        msgs_per_s: round(acknowledged.size / load.durationS, 1),
        p50_ms: round(percentile(lags, 50), 1),
        p99_ms: round(percentile(lags, 99), 1),
        max_ms: round(lags.reduce((a, b) => Math.max(a, b), 0), 1),
        post_p99_ms: load.p99Ms,
        failed: load.failed,
        in_flight_avg: round(inFlight.reduce((a, b) => a + b, 0) / Math.max(1, inFlight.length), 1),
        sns_calls_per_s: round(calls / load.durationS, 1),
        entries_per_publish_call: round(calls ? entries / calls : 0, 2),
      };
      for (const [name, value] of Object.entries(cores)) withCpu(result, name, value);
      // CPU seconds both services spend per 1,000 messages: how cost scales, whatever the rate.
      withCpu(result, 'services_cpu_s_per_1k_msgs', round(((cores.publisher_cpu_cores ?? NaN) + (cores.subscriber_cpu_cores ?? NaN)) / (result.msgs_per_s! / 1000), 4));
      progress.done(`e2e: ${fmt.int(result.msgs_per_s!)} msg/s acknowledged, all stored; lag p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms`);
      return result;
    } finally {
      await publisher.stop();
    }
  } finally {
    await subscriber.stop();
    await listener.end().catch(() => undefined);
    await stack.pool.query(REMOVE_NOTIFY);
  }
}

/** The e2e run with tracing off and on, alternating, each system keeping its lowest-CPU round. */
async function runTracing(context: ScenarioContext): Promise<Record<string, SystemResult>> {
  const sink = await startOtlpSink();
  const rounds = context.options.quick ? 1 : 2;
  const best: Record<string, Record<string, number>> = {};
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [system, env] of [
        ['tracing_off', {}],
        ['tracing_on', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint }],
      ] as const) {
        progress.step(`${system}, round ${round + 1} of ${rounds}`);
        const result = await runE2e(context, env);
        if (system === 'tracing_on') result.otlp_export_kib_per_s = round1(sink.received.bytes / 1024 / context.options.sizes.e2e.durationS);
        sink.received.bytes = 0;
        if (!best[system] || (result.services_cpu_s_per_1k_msgs ?? Infinity) < (best[system]!.services_cpu_s_per_1k_msgs ?? Infinity)) best[system] = result;
      }
    }
  } finally {
    await sink.stop();
  }
  return best;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export const tracingScenario: Scenario = {
  name: 'tracing',
  what: 'the e2e run with tracing off and on (OTLP export to a sink that drops it): what tracing costs in CPU and lag',
  expected: () => ({ tracing_off: ['msgs_per_s', 'p99_ms', 'services_cpu_s_per_1k_msgs'], tracing_on: ['msgs_per_s', 'p99_ms', 'services_cpu_s_per_1k_msgs', 'otlp_export_kib_per_s'] }),
  run: (context) => runTracing(context),
};

export const e2eScenario: Scenario = {
  name: 'e2e',
  what: 'sustained POST rate through SNS, SQS and the subscriber; lag from the 202 to the row being visible',
  expected: () => ({ ours: ['msgs_per_s', 'p50_ms', 'p99_ms'] }),
  run: async (context) => ({ ours: await measure('e2e ours', () => runE2e(context)) }),
};
