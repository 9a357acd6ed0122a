import { chartNodeOptions, productionClientLimits } from '../chart-values';
import { ensureImages, runContainer, type Images, type RunningContainer } from '../containers';
import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad } from '../load/autocannon-run';
import { sampleRequest } from '../messages';
import { fmt, progress } from '../progress';
import { sampleRss } from '../rss-sampler';
import { round } from '../stats';
import { measure, type Scenario, type ScenarioContext } from './context';
import { fillQueue, verifyRows, waitQueueEmpty, watchRows } from './drain';
import { answered, flood, floodBodies, LARGE_BODY_BYTES, limitsEnv, statusCount } from './flood';

/** What the chart's pods get at most; the figure that matters is how much of it each service uses. */
const MEMORY_LIMIT_MIB = 256;

/** The publisher's image with the chart's memory limit and its NODE_OPTIONS (heap sizes), which go together. */
async function runPublisherAsCharted({ stack, options }: ScenarioContext, images: Images, env: Record<string, string> = {}): Promise<RunningContainer> {
  const nodeOptions = await chartNodeOptions();
  return runContainer('publisher', images.publisher, { ...stack.serviceEnv, DATABASE_POOL_SIZE: String(options.sizes.poolSize), ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) }, MEMORY_LIMIT_MIB);
}

/** Peak RSS while `load` runs, and whether the kernel had to kill the container for memory. */
async function underLoad(container: RunningContainer, load: () => Promise<Record<string, number>>): Promise<Record<string, number>> {
  const rss = sampleRss(container.pid);
  const cpu = meterCpu(container.pid);
  const metrics = await load();
  withCpu(metrics, 'cpu_cores', cpu.stop());
  metrics.rss_mib = round(await rss.stop(), 1);
  metrics.memory_limit_mib = MEMORY_LIMIT_MIB;
  if (await container.oomKilled()) throw new Error('the container was killed for exceeding its memory limit');
  return metrics;
}

async function publisherInContainer(context: ScenarioContext, images: Images): Promise<Record<string, number>> {
  const { stack, options } = context;
  await stack.freshMessaging();
  const container = await runPublisherAsCharted(context, images);
  try {
    return await underLoad(container, async () => {
      const { durationS } = options.sizes.publish;
      const single = await runLoad({
        label: 'publisher container c64',
        url: `${container.url}/ingresar-datos`,
        method: 'POST',
        body: JSON.stringify(sampleRequest(stack.topicName, 1)),
        headers: { 'content-type': 'application/json' },
        connections: 64,
        durationS,
      });
      const { items, connections } = options.sizes.batch;
      const batch = await runLoad({
        label: `publisher container, ${items}-message batches c${connections}`,
        url: `${container.url}/ingresar-datos/lote`,
        method: 'POST',
        body: JSON.stringify(Array.from({ length: items }, (_, n) => sampleRequest(stack.topicName, n))),
        headers: { 'content-type': 'application/json' },
        connections,
        durationS,
      });
      if (single.failed + batch.failed > 0) throw new Error(`${single.failed + batch.failed} requests failed`);
      progress.done(`publisher container: ${fmt.int(single.reqPerS)} req/s at c64, ${fmt.int(batch.reqPerS * items)} msg/s in batches`);
      return { req_per_s_c64: single.reqPerS, p99_ms_c64: single.p99Ms, batch_msgs_per_s: round(batch.reqPerS * items, 0) };
    });
  } finally {
    await container.stop();
    await stack.emptyQueue();
  }
}

/**
 * The flood scenario's two flooders against the image, with the production values' per-client
 * limits and the chart's heap sizes, in the chart's memory limit: what a pod's memory does when
 * small POSTs and bodies of the largest size arrive as fast as the machine can send them. Without
 * authentication both flooders are one client, their address; the bodies are refused unread (429)
 * or read and refused (413). Fails if the kernel kills the container for memory.
 */
async function publisherFloodInContainer(context: ScenarioContext, images: Images): Promise<Record<string, number>> {
  const { stack, options } = context;
  const { durationS, floodConnections, largeConnections } = options.sizes.flood;
  await stack.freshMessaging();
  const container = await runPublisherAsCharted(context, images, limitsEnv(await productionClientLimits()));
  try {
    return await underLoad(container, async () => {
      progress.step(`publisher container under a flood for ${durationS} s: small POSTs on ${floodConnections} connections, bodies of ${fmt.int(LARGE_BODY_BYTES / 1024)} KiB on ${largeConnections}`);
      const body = floodBodies(stack.topicName);
      const [small, large] = await Promise.all([
        flood({ url: container.url, body: body.small.body, connections: floodConnections, durationS }),
        flood({ url: container.url, body: body.large, connections: largeConnections, durationS }),
      ]);
      const figures = {
        req_per_s: round((answered(small) + answered(large)) / durationS, 1),
        answered_202: statusCount(small, 202),
        answered_413: statusCount(large, 413),
        answered_429: statusCount(small, 429) + statusCount(large, 429),
        answered_503: statusCount(small, 503) + statusCount(large, 503),
      };
      progress.done(`publisher container under the flood: ${fmt.int(figures.req_per_s)} answers/s, not killed for memory`);
      return figures;
    });
  } finally {
    await container.stop();
    await stack.emptyQueue();
  }
}

async function subscriberInContainer(context: ScenarioContext, images: Images): Promise<Record<string, number>> {
  const { stack, options } = context;
  const messages = options.sizes.drain.messages;
  await fillQueue(stack, messages);
  const container = await runContainer(
    'subscriber',
    images.subscriber,
    { ...stack.serviceEnv, POLLERS: String(options.sizes.pollers), DATABASE_POOL_SIZE: String(options.sizes.poolSize) },
    MEMORY_LIMIT_MIB,
  );
  try {
    return await underLoad(container, async () => {
      const consumer = { process: { exited: () => false, recentOutput: () => '' } };
      const { msgsPerS, seconds } = await watchRows(stack, 'subscriber container', consumer, messages);
      await waitQueueEmpty(stack, 'subscriber container');
      await verifyRows(stack, 'subscriber container', messages);
      progress.done(`subscriber container: ${fmt.int(msgsPerS)} msg/s with ${fmt.int(messages)} messages queued`);
      return { msgs_per_s: round(msgsPerS, 0), seconds: round(seconds, 2) };
    });
  } finally {
    await container.stop();
  }
}

export const containerScenario: Scenario = {
  name: 'container',
  what: `each service's image under podman with a ${MEMORY_LIMIT_MIB} MiB memory limit: peak RSS under the publish and drain loads, and the publisher's under the flood`,
  expected: () => ({ publisher: ['rss_mib', 'req_per_s_c64'], publisher_flood: ['rss_mib', 'req_per_s'], subscriber: ['rss_mib', 'msgs_per_s'] }),
  run: async (context) => {
    const found = await ensureImages(!context.options.quick);
    if ('unavailable' in found) {
      progress.warn(`container: ${found.unavailable}`);
      for (const system of ['publisher', 'publisher_flood', 'subscriber']) context.unavailable.add(`container/${system}`);
      return { publisher: { error: found.unavailable }, publisher_flood: { error: found.unavailable }, subscriber: { error: found.unavailable } };
    }
    return {
      publisher: await measure('container publisher', () => publisherInContainer(context, found.images)),
      publisher_flood: await measure('container publisher under the flood', () => publisherFloodInContainer(context, found.images)),
      subscriber: await measure('container subscriber', () => subscriberInContainer(context, found.images)),
    };
  },
};
