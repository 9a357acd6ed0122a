import { setTimeout as sleep } from 'node:timers/promises';
import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad } from '../load/autocannon-run';
import { sampleRequest } from '../messages';
import { startPeerProcess } from '../peers/peer-process';
import { fmt, progress } from '../progress';
import { startService } from '../services';
import type { Stack } from '../bench-stack';
import { round } from '../stats';
import { measure, type Scenario, type ScenarioContext } from './context';

/** Waits until the queue holds every message SNS acknowledged, so a system that drops some cannot win. */
async function expectQueued(stack: Stack, system: string, expected: number): Promise<void> {
  let depth = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    depth = await stack.queueDepth();
    if (depth >= expected) return;
    await sleep(100);
  }
  throw new Error(`${system}: ${fmt.int(expected)} messages acknowledged but ${fmt.int(depth)} in the queue`);
}

async function batchOurs(context: ScenarioContext): Promise<Record<string, number>> {
  const { stack, options } = context;
  const { items, connections, durationS } = options.sizes.batch;
  await stack.freshMessaging();
  const publisher = await startService('publisher', stack, {
    env: { DATABASE_POOL_SIZE: String(options.sizes.poolSize) },
    ...(context.profileDir ? { cpuProfile: { dir: context.profileDir, name: 'publisher-batch.cpuprofile' } } : {}),
  });
  try {
    const body = JSON.stringify(Array.from({ length: items }, (_, n) => sampleRequest(stack.topicName, n)));
    let accepted = 0;
    let refused = 0;
    const load = {
      url: `${publisher.url}/ingresar-datos/lote`,
      method: 'POST' as const,
      body,
      headers: { 'content-type': 'application/json' },
      onResponse: (_status: number, text: string) => {
        const answer = JSON.parse(text) as { accepted?: number; refused?: number };
        accepted += answer.accepted ?? 0;
        refused += answer.refused ?? 0;
      },
    };
    await runLoad({ ...load, label: 'ours warm-up', connections, durationS: Math.min(2, durationS) });
    await stack.emptyQueue();
    accepted = 0;
    refused = 0;
    const cpu = { publisher: meterCpu(publisher.process.pid), emulator: meterCpu(stack.emulator.pid) };
    const r = await runLoad({ ...load, label: `ours ${items} items × c${connections}`, connections, durationS });
    const cores = { cpu_cores: cpu.publisher.stop(), emulator_cpu_cores: cpu.emulator.stop() };
    await expectQueued(stack, 'ours', accepted);
    const msgsPerS = accepted / r.durationS;
    const metrics: Record<string, number> = { msgs_per_s: round(msgsPerS, 0), req_per_s: r.reqPerS, p50_ms: r.p50Ms, p99_ms: r.p99Ms, refused_items: refused, failed: r.failed };
    for (const [name, value] of Object.entries(cores)) withCpu(metrics, name, value);
    if (metrics.cpu_cores) metrics.msgs_per_cpu_s = round(msgsPerS / metrics.cpu_cores, 0);
    progress.done(`ours: ${fmt.int(msgsPerS)} msg/s in ${fmt.int(r.reqPerS)} batches/s, p50 ${fmt.ms(r.p50Ms)} ms, p99 ${fmt.ms(r.p99Ms)} ms${refused ? `, ${fmt.int(refused)} items refused` : ''}`);
    return metrics;
  } finally {
    await publisher.stop();
  }
}

async function batchCeiling(context: ScenarioContext): Promise<Record<string, number>> {
  const { stack, options } = context;
  await stack.freshMessaging();
  const { durationS, ceilingInFlight } = options.sizes.batch;
  progress.step(`ceiling: PublishBatch × 10 from one process, ${ceilingInFlight} calls in flight, no HTTP`);
  const emulatorCpu = meterCpu(stack.emulator.pid);
  const peer = startPeerProcess('ceiling', 'ceiling-publish-peer', {
    ...stack.serviceEnv,
    TOPIC_ARN: stack.messaging.topicArn,
    TOPIC_NAME: stack.topicName,
    DURATION_S: String(Math.ceil(durationS)),
    IN_FLIGHT: String(ceilingInFlight),
  });
  try {
    const done = await peer.waitFor<{ done: number; failed: number; elapsed_ms: number; cpu_s: number }>('done', durationS * 1000 + 60_000);
    const emulatorCores = emulatorCpu.stop();
    if (done.failed > 0) throw new Error(`ceiling: SNS refused ${done.failed} entries`);
    await expectQueued(stack, 'ceiling', done.done);
    const seconds = done.elapsed_ms / 1000;
    const metrics: Record<string, number> = { msgs_per_s: round(done.done / seconds, 0) };
    withCpu(metrics, 'cpu_cores', round(done.cpu_s / seconds, 2));
    withCpu(metrics, 'emulator_cpu_cores', emulatorCores);
    if (metrics.cpu_cores) metrics.msgs_per_cpu_s = round(metrics.msgs_per_s! / metrics.cpu_cores, 0);
    progress.done(`ceiling: ${fmt.int(metrics.msgs_per_s!)} msg/s`);
    return metrics;
  } finally {
    await peer.stop();
    await stack.emptyQueue();
  }
}

export const batchScenario: Scenario = {
  name: 'batch',
  what: 'POST /ingresar-datos/lote: messages per second acknowledged by SNS — ours vs bare PublishBatch calls',
  expected: () => ({ ours: ['msgs_per_s', 'req_per_s', 'p50_ms', 'p99_ms'], ceiling: ['msgs_per_s'] }),
  run: async (context) => ({
    ours: await measure('batch ours', () => batchOurs(context)),
    ceiling: await measure('batch ceiling', () => batchCeiling(context)),
  }),
};
