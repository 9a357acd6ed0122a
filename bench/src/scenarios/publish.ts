import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad } from '../load/autocannon-run';
import { sampleRequest } from '../messages';
import { fmt, progress } from '../progress';
import { sampleRss } from '../rss-sampler';
import { startService } from '../services';
import { measure, recordPeak, type Scenario, type ScenarioContext } from './context';

/** `ours` coalesces into PublishBatch; `unbatched` is the same service with one Publish per request. */
const SYSTEMS = { ours: 'true', unbatched: 'false' } as const;

async function runSystem(context: ScenarioContext, system: keyof typeof SYSTEMS): Promise<Record<string, number>> {
  const { stack, options } = context;
  const { concurrency, durationS, warmupS } = options.sizes.publish;
  await stack.freshMessaging();
  progress.step(`${system}: starting the publisher (PUBLISH_BATCHING=${SYSTEMS[system]})`);
  const publisher = await startService('publisher', stack, {
    env: { PUBLISH_BATCHING: SYSTEMS[system], DATABASE_POOL_SIZE: String(options.sizes.poolSize) },
    ...(context.profileDir ? { cpuProfile: { dir: context.profileDir, name: `publisher-publish-${system}.cpuprofile` } } : {}),
  });
  const rss = sampleRss(publisher.process.pid);
  const metrics: Record<string, number> = {};
  let failed = 0;
  try {
    const load = {
      url: `${publisher.url}/ingresar-datos`,
      method: 'POST' as const,
      body: JSON.stringify(sampleRequest(stack.topicName, 1)),
      headers: { 'content-type': 'application/json' },
    };
    await runLoad({ ...load, label: `${system} warm-up`, connections: 16, durationS: warmupS });
    for (const c of concurrency) {
      await stack.emptyQueue();
      const cpu = meterCpu(publisher.process.pid);
      const emulatorCpu = meterCpu(stack.emulator.pid);
      const r = await runLoad({ ...load, label: `${system} c${c}`, connections: c, durationS });
      const cores = { publisher: cpu.stop(), emulator: emulatorCpu.stop() };
      metrics[`req_per_s_c${c}`] = r.reqPerS;
      metrics[`p50_ms_c${c}`] = r.p50Ms;
      metrics[`p99_ms_c${c}`] = r.p99Ms;
      withCpu(metrics, `cpu_c${c}`, cores.publisher);
      if (c === 64) withCpu(metrics, 'emulator_cpu_c64', cores.emulator);
      failed += r.failed;
      progress.done(`${system} c${c}: ${fmt.int(r.reqPerS)} req/s, p50 ${fmt.ms(r.p50Ms)} ms, p99 ${fmt.ms(r.p99Ms)} ms${r.failed ? `, ${r.failed} failed` : ''}`);
    }
  } finally {
    recordPeak(context.memory, system, 'publisher_rss_mib', await rss.stop());
    await publisher.stop();
  }
  metrics.failed = failed;
  metrics.rss_mib = context.memory[system]!.publisher_rss_mib!;
  return metrics;
}

export const publishScenario: Scenario = {
  name: 'publish',
  what: 'POST /ingresar-datos: req/s, p50, p99 per concurrency — ours vs unbatched',
  expected: (options) => {
    const metrics = options.sizes.publish.concurrency.flatMap((c) => [`req_per_s_c${c}`, `p50_ms_c${c}`, `p99_ms_c${c}`]);
    return { ours: metrics, unbatched: metrics };
  },
  run: async (context) => ({
    ours: await measure('publish ours', () => runSystem(context, 'ours')),
    unbatched: await measure('publish unbatched', () => runSystem(context, 'unbatched')),
  }),
};
