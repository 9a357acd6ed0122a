import { setTimeout as sleep } from 'node:timers/promises';
import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad, type LoadResult } from '../load/autocannon-run';
import { scrapeMetrics, total } from '../prometheus-scrape';
import { sampleRequest } from '../messages';
import { fmt, progress } from '../progress';
import { startService } from '../services';
import { percentile, round } from '../stats';
import { watchVisibleRows } from '../visible-rows';
import type { ScenarioContext } from './context';

/**
 * autocannon keeps one request in flight per connection, so a paced run reaches its rate only
 * while a request takes less than connections ÷ rate. Connections grow with the rate to keep
 * that budget (about 30 ms) at every rate instead of letting the load generator set the ceiling.
 */
const RATE_PER_CONNECTION = 32;

/** A constant offered rate held for a while; a run is one or more of them back to back. */
export interface Segment {
  rate: number;
  durationS: number;
}

export interface SegmentFigures extends Segment {
  /** Answered 202, each with its transaction id. */
  acknowledged: number;
  /** Answered 503 overloaded or otherwise unavailable: refused before publishing, for the client to retry. */
  shed: number;
  /** Any other failure: another status, a timeout or a connection error. */
  otherErrors: number;
  postP99Ms: number;
  /** From each 202 to its row being visible, ms, for the messages acknowledged in this segment. */
  lags: number[];
}

export interface E2eRun {
  segments: SegmentFigures[];
  /** Figures of the whole run: rates, lag, cores, cost; all segments together. */
  figures: Record<string, number>;
}

export interface E2eRunOptions {
  label: string;
  segments: Segment[];
  /** Extra settings for both services (tracing). */
  env?: Record<string, string>;
}

export const connectionsFor = (rate: number, atLeast: number) => Math.max(atLeast, Math.ceil(rate / RATE_PER_CONNECTION));

/**
 * Segments are started on a fixed schedule rather than one after the other: runLoad's staggered
 * instances end up to a second after its duration, and the next segment's instances start as
 * those end, so the offered rate has no gap at a boundary.
 */
async function runSegments(
  segments: Segment[],
  connections: number,
  load: (segment: Segment, index: number, connections: number) => Promise<LoadResult>,
): Promise<LoadResult[]> {
  const startAt = performance.now();
  let offset = 0;
  return Promise.all(
    segments.map(async (segment, index) => {
      const startsAfterS = offset;
      offset += segment.durationS;
      await sleep(Math.max(0, startAt + startsAfterS * 1000 - performance.now()));
      return load(segment, index, connectionsFor(segment.rate, connections));
    }),
  );
}

/**
 * Publisher and subscriber as real processes on a fresh queue and empty table; POSTs at the
 * segments' rates; lag from each 202 to its row being visible; the CPU of every process. Fails
 * when an acknowledged message is not stored: whatever the load, nothing accepted may be lost.
 */
export async function runE2e(context: ScenarioContext, options: E2eRunOptions): Promise<E2eRun> {
  const { stack } = context;
  const { sizes } = context.options;
  await stack.truncateRecords();
  await stack.freshMessaging();
  const rows = await watchVisibleRows(stack);
  const { seen } = rows;
  const acknowledged = new Map<string, number>();
  const segmentOf = new Map<string, number>();
  const env = { DATABASE_POOL_SIZE: String(sizes.poolSize), ...options.env };
  progress.step(`${options.label}: starting the subscriber and the publisher`);
  const subscriber = await startService('subscriber', stack, { env: { ...env, POLLERS: String(sizes.pollers) } });
  try {
    const publisher = await startService('publisher', stack, { env });
    try {
      const loadS = options.segments.reduce((s, g) => s + g.durationS, 0);
      const offered = options.segments.reduce((s, g) => s + g.rate * g.durationS, 0);
      progress.step(`${options.label}: ${describeSegments(options.segments)}; lag from each 202 to its row being visible`);
      const cpu = {
        publisher: meterCpu(publisher.process.pid),
        subscriber: meterCpu(subscriber.process.pid),
        emulator: meterCpu(stack.emulator.pid),
        postgres: meterCpu(stack.postgres.pid),
      };
      // Until the last row is stored, which is later than the load's end when the subscriber fell behind.
      const cost = { publisher: meterCpu(publisher.process.pid), subscriber: meterCpu(subscriber.process.pid), startedAt: performance.now() };
      // Messages the subscriber holds (received, not yet deleted), sampled through the load: Little's law checks the SQS in-flight model.
      const inFlight: number[] = [];
      const sampler = setInterval(() => {
        scrapeMetrics(subscriber.url).then((m) => inFlight.push(total(m, 'ingest_in_flight_messages')), () => undefined);
      }, 250);
      const batchesBefore = await scrapeMetrics(publisher.url);
      const shed = options.segments.map(() => 0);
      const body = JSON.stringify(sampleRequest(stack.topicName, 7));
      const loads = await runSegments(options.segments, sizes.e2e.connections, (segment, index, connections) =>
        runLoad({
          label: options.segments.length > 1 ? `${options.label} ${fmt.int(segment.rate)}/s` : options.label,
          url: `${publisher.url}/ingresar-datos`,
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          connections,
          durationS: segment.durationS,
          overallRate: segment.rate,
          onResponse: (status, text, at) => {
            if (status === 503) shed[index]!++;
            if (status !== 202) return;
            const id = (JSON.parse(text) as { transaction_id?: string }).transaction_id;
            if (!id) return;
            acknowledged.set(id, at);
            segmentOf.set(id, index);
          },
        }),
      ).finally(() => clearInterval(sampler));
      const batchesAfter = await scrapeMetrics(publisher.url);
      const cores = {
        publisher_cpu_cores: cpu.publisher.stop(),
        subscriber_cpu_cores: cpu.subscriber.stop(),
        emulator_cpu_cores: cpu.emulator.stop(),
        postgres_cpu_cores: cpu.postgres.stop(),
      };
      const lost = await rows.waitFor(acknowledged);
      const costS = (performance.now() - cost.startedAt) / 1000;
      const servicesCpuS = ((cost.publisher.stop() ?? NaN) + (cost.subscriber.stop() ?? NaN)) * costS;
      if (lost > 0) throw new Error(`${options.label}: ${fmt.int(lost)} of ${fmt.int(acknowledged.size)} acknowledged messages were not stored`);

      const segments: SegmentFigures[] = options.segments.map((segment, index) => ({
        ...segment,
        acknowledged: loads[index]!.ok,
        shed: shed[index]!,
        otherErrors: loads[index]!.failed - shed[index]!,
        postP99Ms: loads[index]!.p99Ms,
        lags: [],
      }));
      const lags: number[] = [];
      for (const [id, at] of acknowledged) {
        const lag = seen.get(id)! - at;
        lags.push(lag);
        segments[segmentOf.get(id)!]!.lags.push(lag);
      }
      const calls = total(batchesAfter, 'sns_publish_batch_size_count') - total(batchesBefore, 'sns_publish_batch_size_count');
      const entries = total(batchesAfter, 'sns_publish_batch_size_sum') - total(batchesBefore, 'sns_publish_batch_size_sum');
      const figures: Record<string, number> = {
        offered_msgs_per_s: round(offered / loadS, 1),
        msgs_per_s: round(acknowledged.size / loadS, 1),
        acknowledged: acknowledged.size,
        stored: acknowledged.size - lost,
        p50_ms: round(percentile(lags, 50), 1),
        p99_ms: round(percentile(lags, 99), 1),
        max_ms: round(lags.reduce((a, b) => Math.max(a, b), 0), 1),
        // Percentiles of separate runs do not combine; a run of several segments reports them per segment.
        ...(loads.length === 1 ? { post_p99_ms: loads[0]!.p99Ms } : {}),
        failed: loads.reduce((s, l) => s + l.failed, 0),
        shed: shed.reduce((a, b) => a + b, 0),
        in_flight_avg: round(inFlight.reduce((a, b) => a + b, 0) / Math.max(1, inFlight.length), 1),
        sns_calls_per_s: round(calls / loadS, 1),
        entries_per_publish_call: round(calls ? entries / calls : 0, 2),
      };
      for (const [name, value] of Object.entries(cores)) withCpu(figures, name, value);
      // CPU seconds both services spend per 1,000 messages stored: how cost scales with the rate.
      withCpu(figures, 'services_cpu_s_per_1k_msgs', round(servicesCpuS / (acknowledged.size / 1000), 4));
      progress.done(
        `${options.label}: ${fmt.int(figures.msgs_per_s!)} of ${fmt.int(figures.offered_msgs_per_s!)} msg/s acknowledged, all stored; lag p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms${figures.failed ? `; ${fmt.int(figures.failed)} POSTs failed` : ''}`,
      );
      return { segments, figures };
    } finally {
      await publisher.stop();
    }
  } finally {
    await subscriber.stop();
    await rows.stop();
  }
}

function describeSegments(segments: Segment[]): string {
  if (segments.length === 1) return `${fmt.int(segments[0]!.rate)} POST/s for ${segments[0]!.durationS} s`;
  const seconds = segments.reduce((s, g) => s + g.durationS, 0);
  return `${segments.length} segments over ${seconds} s, ${fmt.int(Math.min(...segments.map((s) => s.rate)))}–${fmt.int(Math.max(...segments.map((s) => s.rate)))} POST/s`;
}
