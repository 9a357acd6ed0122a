import { setTimeout as sleep } from 'node:timers/promises';
import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad } from '../load/autocannon-run';
import { sampleRequest } from '../messages';
import { ensureBenthos, publishConfig, startBenthos } from '../peers/benthos-peer';
import type { RunningProcess } from '../processes';
import { fmt, progress } from '../progress';
import type { SystemResult } from '../report/results';
import { sampleRss } from '../rss-sampler';
import { startService } from '../services';
import { markUnavailable, measure, recordPeak, type Scenario, type ScenarioContext } from './context';

/** `ours` coalesces into PublishBatch; `unbatched` is the same service with one Publish per request. */
const SYSTEMS = { ours: 'true', unbatched: 'false' } as const;

const PATH = '/ingresar-datos';

/**
 * Messages waiting for SNS before the publisher sheds requests (its default), and so the Publish
 * calls Benthos may have in flight: its aws_sns output cannot batch.
 */
const MAX_IN_FLIGHT = 1000;

interface PublishServer {
  url: string;
  process: RunningProcess;
}

/**
 * Every 2xx must have put a message on the queue, or the figure means nothing. Requests cut off
 * when a run ends may still publish, so the queue can hold more than was answered, never less.
 */
async function verifyQueued(context: ScenarioContext, label: string, answered: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  let depth = await context.stack.queueDepth();
  while (depth < answered && Date.now() < deadline) {
    await sleep(200);
    depth = await context.stack.queueDepth();
  }
  if (depth < answered) throw new Error(`${label}: ${fmt.int(answered)} requests answered 2xx but only ${fmt.int(depth)} messages reached the queue`);
  return depth;
}

/** The same POST body at every concurrency level, on a queue emptied before each. */
async function loadLevels(context: ScenarioContext, system: string, server: PublishServer): Promise<Record<string, number>> {
  const { stack, options } = context;
  const { concurrency, durationS, warmupS } = options.sizes.publish;
  const metrics: Record<string, number> = {};
  let failed = 0;
  let queued = 0;
  const load = {
    url: `${server.url}${PATH}`,
    method: 'POST' as const,
    body: JSON.stringify(sampleRequest(stack.topicName, 1)),
    headers: { 'content-type': 'application/json' },
  };
  await runLoad({ ...load, label: `${system} warm-up`, connections: 16, durationS: warmupS });
  for (const c of concurrency) {
    await stack.emptyQueue();
    const cpu = meterCpu(server.process.pid);
    const emulatorCpu = meterCpu(stack.emulator.pid);
    const r = await runLoad({ ...load, label: `${system} c${c}`, connections: c, durationS });
    const cores = { server: cpu.stop(), emulator: emulatorCpu.stop() };
    metrics[`req_per_s_c${c}`] = r.reqPerS;
    metrics[`p50_ms_c${c}`] = r.p50Ms;
    metrics[`p99_ms_c${c}`] = r.p99Ms;
    withCpu(metrics, `cpu_c${c}`, cores.server);
    if (c === 64) withCpu(metrics, 'emulator_cpu_c64', cores.emulator);
    failed += r.failed;
    queued += await verifyQueued(context, `${system} c${c}`, r.ok);
    progress.done(`${system} c${c}: ${fmt.int(r.reqPerS)} req/s, p50 ${fmt.ms(r.p50Ms)} ms, p99 ${fmt.ms(r.p99Ms)} ms${r.failed ? `, ${r.failed} failed` : ''}`);
  }
  return { ...metrics, failed, queued };
}

async function runPublisher(context: ScenarioContext, system: keyof typeof SYSTEMS): Promise<Record<string, number>> {
  const { stack, options } = context;
  await stack.freshMessaging();
  progress.step(`${system}: starting the publisher (PUBLISH_BATCHING=${SYSTEMS[system]})`);
  const publisher = await startService('publisher', stack, {
    env: { PUBLISH_BATCHING: SYSTEMS[system], PUBLISH_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), DATABASE_POOL_SIZE: String(options.sizes.poolSize) },
    ...(context.profileDir ? { cpuProfile: { dir: context.profileDir, name: `publisher-publish-${system}.cpuprofile` } } : {}),
  });
  const rss = sampleRss(publisher.process.pid);
  try {
    const metrics = await loadLevels(context, system, publisher);
    recordPeak(context.memory, system, 'publisher_rss_mib', await rss.stop());
    return { ...metrics, rss_mib: context.memory[system]!.publisher_rss_mib! };
  } finally {
    await rss.stop();
    await publisher.stop();
  }
}

async function runBenthos(context: ScenarioContext, binary: string): Promise<Record<string, number>> {
  const { stack } = context;
  await stack.freshMessaging();
  progress.step(`benthos: http_server → aws_sns, max_in_flight ${MAX_IN_FLIGHT}`);
  const benthos = await startBenthos(binary, stack, publishConfig(stack, { path: PATH, topicArn: stack.messaging.topicArn, maxInFlight: MAX_IN_FLIGHT }));
  const rss = sampleRss(benthos.process.pid);
  try {
    const metrics = await loadLevels(context, 'benthos', benthos);
    return { ...metrics, rss_mib: Math.round((await rss.stop()) * 10) / 10 };
  } finally {
    await rss.stop();
    await benthos.stop();
  }
}

export const publishScenario: Scenario = {
  name: 'publish',
  what: 'POST /ingresar-datos: req/s, p50, p99 per concurrency — ours vs unbatched and Benthos (http_server → aws_sns)',
  expected: (options) => {
    const metrics = options.sizes.publish.concurrency.flatMap((c) => [`req_per_s_c${c}`, `p50_ms_c${c}`, `p99_ms_c${c}`]);
    return { ours: metrics, unbatched: metrics, benthos: metrics };
  },
  run: async (context) => {
    const ours = await measure('publish ours', () => runPublisher(context, 'ours'));
    const unbatched = await measure('publish unbatched', () => runPublisher(context, 'unbatched'));
    const availability = await ensureBenthos(!context.options.quick);
    let benthos: SystemResult;
    if ('unavailable' in availability) {
      benthos = markUnavailable(context, 'publish', 'benthos', availability.unavailable);
    } else {
      benthos = await measure('publish benthos', () => runBenthos(context, availability.binary));
    }
    return { ours, unbatched, benthos };
  },
};
