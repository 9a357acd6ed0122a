import { setTimeout as sleep } from 'node:timers/promises';
import { meterCpu, withCpu } from '../cpu-usage';
import { preloadQueue } from '../messages';
import { drainConfig, ensureBenthos, startBenthos } from '../peers/benthos-peer';
import { startPeerProcess } from '../peers/peer-process';
import type { RunningProcess } from '../processes';
import { fmt, progress } from '../progress';
import { isError, type SystemResult } from '../report/results';
import { sampleRss } from '../rss-sampler';
import { startService } from '../services';
import type { Stack } from '../bench-stack';
import { round } from '../stats';
import { markUnavailable, measure, recordPeak, type Scenario, type ScenarioContext } from './context';

interface Consumer {
  process: RunningProcess;
  /** Receives the consumer saw fail, where it can tell. */
  receiveErrors?(): number;
  stop(): Promise<void>;
}

/**
 * Seconds a received message stays invisible, on every drain queue and for the subscriber alike. A
 * receive whose answer never reaches its client (it happens between Benthos' Go client and the
 * emulator) hides its messages this long, so it is kept short enough not to dominate a run.
 */
const DRAIN_VISIBILITY_TIMEOUT_S = 5;

export async function fillQueue(stack: Stack, messages: number): Promise<void> {
  await stack.truncateRecords();
  await stack.freshMessaging({ visibilityTimeoutSeconds: DRAIN_VISIBILITY_TIMEOUT_S });
  await preloadQueue(stack, messages);
  for (let i = 0; i < 100 && (await stack.queueDepth()) < messages; i++) await sleep(100);
  const depth = await stack.queueDepth();
  if (depth !== messages) throw new Error(`the queue holds ${depth} messages, expected ${messages}`);
}

/**
 * Stored rows per second, from the first row seen to the last: each consumer's start-up (Node,
 * Go, connections) is left out, so the figure is its steady drain rate.
 */
export async function watchRows(stack: Stack, label: string, consumer: { process: Pick<RunningProcess, 'exited' | 'recentOutput'> }, messages: number): Promise<{ msgsPerS: number; seconds: number }> {
  const deadline = Date.now() + Math.max(120_000, messages * 5);
  let first: { at: number; count: number } | undefined;
  let lastTick = Date.now();
  let lastCount = 0;
  for (;;) {
    const count = await stack.countRecords();
    const now = performance.now();
    if (count > 0 && first === undefined) first = { at: now, count };
    if (count >= messages) {
      if (first === undefined || now === first.at) throw new Error(`${label}: stored everything before the first poll`);
      const seconds = (now - first.at) / 1000;
      return { msgsPerS: (messages - first.count) / seconds, seconds };
    }
    if (consumer.process.exited()) throw new Error(`${label} exited after storing ${count} rows:\n${consumer.process.recentOutput()}`);
    if (Date.now() > deadline) throw new Error(`${label}: only ${count} of ${messages} rows stored in time`);
    if (Date.now() - lastTick >= 3_000) {
      progress.tick(`${label}: ${fmt.int(count)}/${fmt.int(messages)} stored, ${fmt.int(((count - lastCount) * 1000) / (Date.now() - lastTick))} msg/s`);
      lastTick = Date.now();
      lastCount = count;
    }
    await sleep(50);
  }
}

/** Every peer must store the same rows the subscriber stores, or its speed means nothing. */
export async function verifyRows(stack: Stack, label: string, messages: number): Promise<void> {
  const { rows } = await stack.pool.query<{ good: string }>(
    `select count(*) as good from records
     where topic = $1 and content_type = 'application/json' and schema_version = 1
       and message::jsonb ? 'sensor' and attributes = jsonb_build_object('site', attributes->>'site')`,
    [stack.topicName],
  );
  const good = Number(rows[0]?.good ?? 0);
  if (good !== messages) throw new Error(`${label}: ${messages - good} of ${messages} rows differ from what the subscriber stores`);
}

/** A drain is over when the consumer has also deleted what it stored (after the commit, as the subscriber does). */
export async function waitQueueEmpty(stack: Stack, label: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await stack.queueDepth()) > 0) {
    if (Date.now() > deadline) throw new Error(`${label}: rows stored but messages still on the queue after 60 s`);
    await sleep(100);
  }
}

async function drainWith(
  context: ScenarioContext,
  system: string,
  rssMetric: string,
  start: () => Promise<Consumer>,
): Promise<Record<string, number>> {
  const { stack, options } = context;
  const messages = options.sizes.drain.messages;
  await fillQueue(stack, messages);
  progress.step(`${system}: draining ${fmt.int(messages)} messages`);
  const consumer = await start();
  const rss = sampleRss(consumer.process.pid);
  const cpu = { consumer: meterCpu(consumer.process.pid), emulator: meterCpu(stack.emulator.pid), postgres: meterCpu(stack.postgres.pid) };
  try {
    const { msgsPerS, seconds } = await watchRows(stack, system, consumer, messages);
    const metrics: Record<string, number> = { msgs_per_s: round(msgsPerS, 0), seconds: round(seconds, 2) };
    withCpu(metrics, 'cpu_cores', cpu.consumer.stop());
    withCpu(metrics, 'emulator_cpu_cores', cpu.emulator.stop());
    withCpu(metrics, 'postgres_cpu_cores', cpu.postgres.stop());
    if (metrics.cpu_cores) metrics.msgs_per_cpu_s = round(msgsPerS / metrics.cpu_cores, 0);
    if (consumer.receiveErrors) metrics.receive_errors = consumer.receiveErrors();
    await waitQueueEmpty(stack, system);
    await verifyRows(stack, system, messages);
    const rssMiB = await rss.stop();
    recordPeak(context.memory, system, rssMetric, rssMiB);
    progress.done(`${system}: ${fmt.int(msgsPerS)} msg/s (${seconds.toFixed(1)} s), peak RSS ${rssMiB.toFixed(0)} MiB`);
    return { ...metrics, rss_mib: round(rssMiB, 1) };
  } finally {
    await rss.stop();
    await consumer.stop();
  }
}

async function drainCeiling(context: ScenarioContext): Promise<Record<string, number>> {
  const { stack, options } = context;
  const messages = options.sizes.drain.messages;
  await fillQueue(stack, messages);
  progress.step(`ceiling: receiving and deleting ${fmt.int(messages)} messages, no database`);
  const peer = startPeerProcess('ceiling', 'ceiling-drain-peer', {
    ...stack.serviceEnv,
    POLLERS: String(options.sizes.pollers),
    EXPECTED_MESSAGES: String(messages),
  });
  const emulatorCpu = meterCpu(stack.emulator.pid);
  try {
    const timer = setInterval(async () => progress.tick(`ceiling: ${fmt.int(messages - (await stack.queueDepth().catch(() => 0)))}/${fmt.int(messages)} deleted`), 3_000);
    const done = await peer.waitFor<{ done: number; elapsed_ms: number; cpu_s: number }>('done', Math.max(120_000, messages * 5)).finally(() => clearInterval(timer));
    const msgsPerS = done.done / (done.elapsed_ms / 1000);
    progress.done(`ceiling: ${fmt.int(msgsPerS)} msg/s (${(done.elapsed_ms / 1000).toFixed(1)} s)`);
    const metrics: Record<string, number> = { msgs_per_s: round(msgsPerS, 0), seconds: round(done.elapsed_ms / 1000, 2) };
    withCpu(metrics, 'cpu_cores', round(done.cpu_s / (done.elapsed_ms / 1000), 2));
    withCpu(metrics, 'emulator_cpu_cores', emulatorCpu.stop());
    if (metrics.cpu_cores) metrics.msgs_per_cpu_s = round(msgsPerS / metrics.cpu_cores, 0);
    return metrics;
  } finally {
    await peer.stop();
  }
}

export const drainScenario: Scenario = {
  name: 'drain',
  what: 'messages preloaded in the queue; stored rows per second until all are stored',
  expected: () => ({
    ours: ['msgs_per_s', 'seconds'],
    sqs_consumer: ['msgs_per_s', 'seconds'],
    benthos: ['msgs_per_s', 'seconds'],
    ceiling: ['msgs_per_s', 'seconds'],
  }),
  run: async (context) => {
    const { stack, options } = context;
    const { pollers, poolSize } = options.sizes;
    const runners: Record<string, () => Promise<Record<string, number>>> = {
      ours: () =>
        drainWith(context, 'ours', 'subscriber_rss_mib', async () => {
          const subscriber = await startService('subscriber', stack, {
            env: { POLLERS: String(pollers), DATABASE_POOL_SIZE: String(poolSize), VISIBILITY_TIMEOUT_SECONDS: String(DRAIN_VISIBILITY_TIMEOUT_S) },
            ...(context.profileDir ? { cpuProfile: { dir: context.profileDir, name: 'subscriber-drain.cpuprofile' } } : {}),
          });
          return { process: subscriber.process, stop: subscriber.stop };
        }),
      sqs_consumer: () =>
        drainWith(context, 'sqs_consumer', 'rss_mib', async () => {
          const peer = startPeerProcess('sqs-consumer', 'sqs-consumer-peer', {
            ...stack.serviceEnv,
            POLLERS: String(pollers),
            DATABASE_POOL_SIZE: String(poolSize),
          });
          await peer.waitFor('ready', 30_000);
          return peer;
        }),
    };
    const results: Record<string, SystemResult> = {};
    const benthos = await ensureBenthos(!options.quick);
    if ('unavailable' in benthos) {
      results.benthos = markUnavailable(context, 'drain', 'benthos', benthos.unavailable);
    } else {
      runners.benthos = () => drainWith(context, 'benthos', 'rss_mib', () => startBenthos(benthos.binary, stack, drainConfig(stack, { pollers, poolSize })));
    }
    runners.ceiling = () => drainCeiling(context);

    // Rounds interleave the systems, so a burst of other work on the machine hits one run, not one system.
    const runs: Record<string, Record<string, number>[]> = {};
    for (let round = 1; round <= options.sizes.drain.rounds; round++) {
      if (options.sizes.drain.rounds > 1) progress.step(`round ${round} of ${options.sizes.drain.rounds}`);
      for (const [system, run] of Object.entries(runners)) {
        // sqs_consumer drains for minutes and is far from the others: one run.
        if (round > 1 && system === 'sqs_consumer') continue;
        if (isError(results[system])) continue;
        const result = await measure(`drain ${system}`, run);
        if (isError(result)) results[system] = result;
        else (runs[system] ??= []).push(result);
      }
    }
    for (const [system, list] of Object.entries(runs)) {
      if (isError(results[system])) continue;
      const best = list.reduce((a, b) => (b.msgs_per_s! > a.msgs_per_s! ? b : a));
      const summary: Record<string, number> = { ...best, runs: list.length };
      if (list.length > 1) summary.msgs_per_s_worst = Math.min(...list.map((r) => r.msgs_per_s!));
      // Over all runs, so a failure in a run that was not the best still shows.
      if (list.some((r) => r.receive_errors !== undefined)) summary.receive_errors = list.reduce((n, r) => n + (r.receive_errors ?? 0), 0);
      results[system] = summary;
    }
    return { ours: results.ours!, sqs_consumer: results.sqs_consumer!, benthos: results.benthos!, ceiling: results.ceiling! };
  },
};
