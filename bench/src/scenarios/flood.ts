import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SNS_MAX_MESSAGE_BYTES } from '@pubsub-ingest/common';
import autocannon from 'autocannon';
import { asIfInContainer, chartNodeOptions, productionClientLimits, type ClientLimits } from '../chart-values';
import { meterCpu, withCpu } from '../cpu-usage';
import { runLoad, type LoadResult } from '../load/autocannon-run';
import { every, fmt, progress } from '../progress';
import { scrapeMetrics, total } from '../prometheus-scrape';
import { sampleRss } from '../rss-sampler';
import { startService, type RunningService } from '../services';
import { percentile, round } from '../stats';
import type { Stack } from '../bench-stack';
import { watchVisibleRows } from '../visible-rows';
import type { Scenario, ScenarioContext } from './context';
import { connectionsFor } from './e2e-run';
import { HIGHEST } from './sweep';

export const limitsEnv = (limits: ClientLimits | undefined): Record<string, string> =>
  limits
    ? {
        RATE_LIMIT_MESSAGES_PER_SECOND: String(limits.messagesPerSecond),
        RATE_LIMIT_BURST: String(limits.burst),
        RATE_LIMIT_BYTES_PER_SECOND: String(limits.bytesPerSecond),
        RATE_LIMIT_BYTES_BURST: String(limits.bytesBurst),
        RATE_LIMIT_REFUSAL_DELAY_MS: String(limits.refusalDelayMs),
      }
    : {};

/**
 * The heap of the chart's container: its NODE_OPTIONS (the image's when it sets none), sized as in
 * its default 256 MiB memory limit. Outside a container, on a machine of many GiB, V8 would let the
 * heap grow far past what a pod may use before collecting, and the RSS would say nothing of the pod.
 */
const CONTAINER_MEMORY_MIB = 256;
/** The image's NODE_OPTIONS, with the 1 MiB semispaces V8 picks for itself in 256 MiB (outside, it would size them from the machine). */
const IMAGE_NODE_OPTIONS = '--max-old-space-size-percentage=75 --max-semi-space-size=1';

const describeLimits = (limits: ClientLimits | undefined) =>
  limits
    ? `${fmt.int(limits.messagesPerSecond)} msg/s and ${fmt.int(limits.bytesPerSecond / 2 ** 20)} MiB/s per client, as in the production values`
    : 'no per-client limits: only the shared bounds on messages waiting for SNS and on body bytes held';

const CLIENTS = ['steady', 'flood_small', 'flood_large'] as const;
type ClientName = (typeof CLIENTS)[number];

/** A bearer token per client, stored as the operators' token file stores it: SHA-256 digests only. */
async function writeTokenFile(dir: string): Promise<{ file: string; tokens: Record<ClientName, string> }> {
  const tokens = Object.fromEntries(CLIENTS.map((c) => [c, randomBytes(32).toString('base64url')])) as Record<ClientName, string>;
  const entries = CLIENTS.map((id) => ({ id, sha256: createHash('sha256').update(tokens[id]).digest('hex'), scopes: ['publish:*', 'read:*'] }));
  const file = join(dir, 'tokens.json');
  await writeFile(file, JSON.stringify({ tokens: entries }));
  return { file, tokens };
}

/** The largest body the publish route reads (six times SNS's limit, for JSON escaping), less room for the envelope. */
export const LARGE_BODY_BYTES = 6 * SNS_MAX_MESSAGE_BYTES - 1024;

/**
 * Bodies of the three clients. The steady producer's and the small flood's messages are what a
 * producer sends, each marked so its rows can be counted; the large flood's is a body of the
 * largest size the route reads whose message is too large for SNS: it costs the publisher the most
 * memory per request, and is refused (413) once read, so it adds nothing downstream.
 */
export function floodBodies(topic: string) {
  const steadyMessage = { client: 'steady', sensor: 'th-17', temperature: 21.5 };
  const smallMessage = { client: 'flood_small', sensor: 'th-99', temperature: 99.9 };
  const largeEnvelope = JSON.stringify({ topic_arn: topic, message: '' });
  return {
    steady: { body: JSON.stringify({ topic_arn: topic, message: steadyMessage }), messageText: JSON.stringify(steadyMessage) },
    small: { body: JSON.stringify({ topic_arn: topic, message: smallMessage }), messageText: JSON.stringify(smallMessage) },
    large: `${largeEnvelope.slice(0, -2)}${'x'.repeat(LARGE_BODY_BYTES - largeEnvelope.length)}"}`,
  };
}

/** A flooding client in a worker thread of its own, so the bench's event loop still times the steady producer fairly. */
export function flood(options: { url: string; token?: string; body: string; connections: number; durationS: number; overallRate?: number }): Promise<autocannon.Result> {
  return new Promise((resolvePromise, reject) => {
    autocannon(
      {
        url: `${options.url}/ingresar-datos`,
        method: 'POST',
        body: options.body,
        headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        connections: options.connections,
        duration: options.durationS,
        timeout: 10,
        workers: 1,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      },
      (err, result) => (err ? reject(err as Error) : resolvePromise(result)),
    );
  });
}

export const statusCount = (result: autocannon.Result, status: number) => (result.statusCodeStats as Record<string, { count: number } | undefined>)[String(status)]?.count ?? 0;
export const answered = (result: autocannon.Result) => Object.values(result.statusCodeStats as Record<string, { count: number }>).reduce((sum, s) => sum + s.count, 0);

/** Answers by status over every route, from the publisher's own metrics. */
function answersByStatus(samples: Map<string, number>): Map<string, number> {
  const byStatus = new Map<string, number>();
  for (const [series, value] of samples) {
    const status = /^http_requests_total\{.*status="(\d+)"/.exec(series)?.[1];
    if (status) byStatus.set(status, (byStatus.get(status) ?? 0) + value);
  }
  return byStatus;
}

/** The steady producer: a paced load whose 202s are kept with their time, for the lag and the audit. */
async function steadyLoad(url: string, token: string, body: string, rate: number, durationS: number, label: string, acknowledged: Map<string, number>): Promise<LoadResult> {
  return runLoad({
    label,
    url: `${url}/ingresar-datos`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    // Room for the latency a flood may add, so the producer keeps its rate instead of the load generator hiding the delay.
    connections: connectionsFor(rate * 8, 16),
    durationS,
    overallRate: rate,
    onResponse: (status, text, at) => {
      if (status !== 202) return;
      const id = (JSON.parse(text) as { transaction_id?: string }).transaction_id;
      if (id) acknowledged.set(id, at);
    },
  });
}

/** Rows of one client and how many of them differ from the message it sent. */
async function storedOf(stack: Stack, client: ClientName, messageText: string): Promise<{ stored: number; altered: number }> {
  const { rows } = await stack.pool.query<{ stored: string; altered: string }>(
    `select count(*) as stored, count(*) filter (where message::text <> $2) as altered from records where message->>'client' = $1`,
    [client, messageText],
  );
  return { stored: Number(rows[0]?.stored ?? 0), altered: Number(rows[0]?.altered ?? 0) };
}

/** Waits until `expected` rows of the client are stored, or none arrived for `stallMs`. */
async function waitForCount(stack: Stack, client: ClientName, messageText: string, expected: number, stallMs = 30_000): Promise<{ stored: number; altered: number }> {
  let last = await storedOf(stack, client, messageText);
  let lastProgress = Date.now();
  while (last.stored < expected && Date.now() - lastProgress < stallMs) {
    await sleep(250);
    const now = await storedOf(stack, client, messageText);
    if (now.stored !== last.stored) lastProgress = Date.now();
    last = now;
  }
  return last;
}

function lagsOf(acknowledged: Map<string, number>, seen: Map<string, number>): number[] {
  const lags: number[] = [];
  for (const [id, at] of acknowledged) {
    const visible = seen.get(id);
    if (visible !== undefined) lags.push(visible - at);
  }
  return lags;
}

/** The steady producer's figures: rate, POST latency, lag, and every 202 audited. */
function steadyFigures(load: LoadResult, acknowledged: Map<string, number>, seen: Map<string, number>, lost: number, rate: number, durationS: number): Record<string, number> {
  const lags = lagsOf(acknowledged, seen);
  return {
    offered_msgs_per_s: rate,
    msgs_per_s: round(acknowledged.size / durationS, 1),
    acknowledged: acknowledged.size,
    lost,
    failed: load.failed,
    post_p50_ms: round(load.p50Ms, 2),
    post_p99_ms: round(load.p99Ms, 2),
    p50_ms: round(percentile(lags, 50), 1),
    p99_ms: round(percentile(lags, 99), 1),
  };
}

/**
 * The flood: for `durationS`, one client floods single POSTs at `multiple` times the highest rate
 * the e2e sweep sustained and another sends bodies of the largest size the route reads, each with
 * a credential of its own, while a steady producer publishes at a share of the sustainable rate,
 * as it did alone just before. With `withClientLimits` the publisher has the production values'
 * per-client limits (the flooders are answered 429); without, only the shared bounds (503).
 * Measured: the publisher's peak RSS in each half of the flood, the steady producer's latency
 * alone and beside the flood, each client's answers, and every message answered 202 found stored
 * exactly as sent — the run fails when one is missing or altered.
 */
async function runFlood(context: ScenarioContext, withClientLimits: boolean): Promise<Record<string, Record<string, number>>> {
  const { stack, options } = context;
  const sizes = options.sizes.flood;
  const swept = context.results.sweep?.[HIGHEST];
  const sustainable = swept && !('error' in swept) && swept.sustainable_msgs_per_s ? swept.sustainable_msgs_per_s : sizes.sustainableRate;
  const floodRate = sustainable * sizes.multiple;
  const steadyRate = Math.max(10, Math.round(sustainable * sizes.steadyShare));
  const limits = withClientLimits ? await productionClientLimits() : undefined;

  await stack.truncateRecords();
  await stack.freshMessaging();
  const dir = await mkdtemp(join(tmpdir(), 'pubsub-ingest-bench-flood-'));
  const rows = await watchVisibleRows(stack);
  let subscriber: RunningService | undefined;
  let publisher: RunningService | undefined;
  try {
    const { file, tokens } = await writeTokenFile(dir);
    const body = floodBodies(stack.topicName);
    const env = { DATABASE_POOL_SIZE: String(options.sizes.poolSize) };
    progress.step(`starting the subscriber and the publisher (authentication on; ${describeLimits(limits)})`);
    subscriber = await startService('subscriber', stack, { env: { ...env, POLLERS: String(options.sizes.pollers) } });
    publisher = await startService('publisher', stack, {
      ...(context.profileDir ? { cpuProfile: { dir: context.profileDir, name: `publisher-${withClientLimits ? 'flood' : 'flood-unlimited'}.cpuprofile` } } : {}),
      env: {
        ...env,
        AUTH_MODE: 'on',
        AUTH_TOKENS_FILE: file,
        ...limitsEnv(limits),
        NODE_OPTIONS: asIfInContainer((await chartNodeOptions()) ?? IMAGE_NODE_OPTIONS, CONTAINER_MEMORY_MIB),
      },
    });
    const url = publisher.url;

    progress.step(`steady producer alone: ${fmt.int(steadyRate)} POST/s for ${sizes.aloneS} s`);
    const aloneAcknowledged = new Map<string, number>();
    const aloneLoad = await steadyLoad(url, tokens.steady, body.steady.body, steadyRate, sizes.aloneS, 'steady alone', aloneAcknowledged);

    progress.step(
      `flood for ${sizes.durationS} s: ${fmt.int(floodRate)} POST/s offered (${sizes.multiple}× the sustainable ${fmt.int(sustainable)} msg/s) on ${sizes.floodConnections} connections, ` +
        `bodies of ${fmt.int(LARGE_BODY_BYTES / 1024)} KiB on ${sizes.largeConnections} more, the steady producer at ${fmt.int(steadyRate)} POST/s`,
    );
    const before = answersByStatus(await scrapeMetrics(url));
    const cpu = meterCpu(publisher.process.pid);
    const firstHalf = sampleRss(publisher.process.pid);
    let secondHalf: ReturnType<typeof sampleRss> | undefined;
    const halfway = setTimeout(() => {
      secondHalf = sampleRss(publisher!.process.pid);
    }, (sizes.durationS * 1000) / 2);
    let reservedPeak = 0;
    let rssNow = 0;
    const watch = setInterval(() => {
      scrapeMetrics(url).then((m) => {
        reservedPeak = Math.max(reservedPeak, total(m, 'http_request_body_bytes_reserved'));
        rssNow = total(m, 'process_resident_memory_bytes');
      }, () => undefined);
    }, 500);
    const floodStarted = performance.now();
    const stopTicking = every(5_000, () => {
      progress.tick(`flood ${Math.round((performance.now() - floodStarted) / 1000)} s: publisher RSS ${fmt.int(rssNow / 2 ** 20)} MiB, body bytes reserved peak ${fmt.int(reservedPeak / 1024)} KiB`);
    });
    const floodAcknowledged = new Map<string, number>();
    let smallResult: autocannon.Result;
    let largeResult: autocannon.Result;
    let floodLoad: LoadResult;
    try {
      [smallResult, largeResult, floodLoad] = await Promise.all([
        flood({ url, token: tokens.flood_small, body: body.small.body, connections: sizes.floodConnections, durationS: sizes.durationS, overallRate: floodRate }),
        flood({ url, token: tokens.flood_large, body: body.large, connections: sizes.largeConnections, durationS: sizes.durationS }),
        steadyLoad(url, tokens.steady, body.steady.body, steadyRate, sizes.durationS, 'steady under the flood', floodAcknowledged),
      ]);
    } finally {
      clearTimeout(halfway);
      clearInterval(watch);
      stopTicking();
    }
    const publisherCores = cpu.stop();
    const rssFirstHalf = await firstHalf.stop();
    const rssSecondHalf = secondHalf ? await secondHalf.stop() : rssFirstHalf;
    const after = answersByStatus(await scrapeMetrics(url));
    const delta = (status: number) => (after.get(String(status)) ?? 0) - (before.get(String(status)) ?? 0);

    progress.step('waiting for every acknowledged message to be stored');
    const steadyAll = new Map([...aloneAcknowledged, ...floodAcknowledged]);
    const steadyLost = await rows.waitFor(steadyAll);
    const missing = (acknowledged: Map<string, number>) => [...acknowledged.keys()].filter((id) => !rows.seen.has(id)).length;
    const steadyStored = await storedOf(stack, 'steady', body.steady.messageText);
    const smallAccepted = statusCount(smallResult, 202);
    const small = await waitForCount(stack, 'flood_small', body.small.messageText, smallAccepted);
    const smallLost = Math.max(0, smallAccepted - small.stored);

    const problems = [
      steadyLost > 0 ? `${fmt.int(steadyLost)} of the steady producer's ${fmt.int(steadyAll.size)} acknowledged messages were not stored` : '',
      smallLost > 0 ? `${fmt.int(smallLost)} of the flood's ${fmt.int(smallAccepted)} acknowledged messages were not stored` : '',
      steadyStored.altered + small.altered > 0 ? `${fmt.int(steadyStored.altered + small.altered)} stored messages differ from what was sent` : '',
      statusCount(largeResult, 202) > 0 ? 'a body too large for SNS was answered 202' : '',
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(`flood: ${problems.join('; ')}`);

    const seconds = sizes.durationS;
    const publisherFigures: Record<string, number> = {
      rss_mib: round(Math.max(rssFirstHalf, rssSecondHalf), 1),
      rss_first_half_mib: round(rssFirstHalf, 1),
      rss_second_half_mib: round(rssSecondHalf, 1),
      body_reserved_peak_mib: round(reservedPeak / 2 ** 20, 2),
      req_per_s: round((delta(202) + delta(413) + delta(429) + delta(503)) / seconds, 1),
      answered_202: delta(202),
      answered_413: delta(413),
      answered_429: delta(429),
      answered_503: delta(503),
    };
    withCpu(publisherFigures, 'cpu_cores', publisherCores);
    const alone = steadyFigures(aloneLoad, aloneAcknowledged, rows.seen, missing(aloneAcknowledged), steadyRate, sizes.aloneS);
    const steady: Record<string, number> = { ...steadyFigures(floodLoad, floodAcknowledged, rows.seen, missing(floodAcknowledged), steadyRate, seconds), altered: steadyStored.altered };
    const result = {
      steady_alone: alone,
      steady,
      flood_small: {
        offered_req_per_s: floodRate,
        sent_req_per_s: round(answered(smallResult) / seconds, 1),
        acknowledged: smallAccepted,
        rate_limited: statusCount(smallResult, 429),
        shed: statusCount(smallResult, 503),
        other_errors: answered(smallResult) - smallAccepted - statusCount(smallResult, 429) - statusCount(smallResult, 503) + smallResult.errors,
        stored: small.stored,
        lost: smallLost,
        altered: small.altered,
        p99_ms_all: smallResult.latency.p99,
      },
      flood_large: {
        body_kib: round(LARGE_BODY_BYTES / 1024, 0),
        sent_req_per_s: round(answered(largeResult) / seconds, 1),
        too_large: statusCount(largeResult, 413),
        rate_limited: statusCount(largeResult, 429),
        shed: statusCount(largeResult, 503),
        other_errors: answered(largeResult) - statusCount(largeResult, 413) - statusCount(largeResult, 429) - statusCount(largeResult, 503) + largeResult.errors,
        p99_ms_all: largeResult.latency.p99,
      },
      publisher: publisherFigures,
    };
    progress.done(
      `flood: publisher RSS peak ${fmt.int(publisherFigures.rss_mib!)} MiB (first half ${fmt.int(rssFirstHalf)}, second ${fmt.int(rssSecondHalf)}); ` +
        `steady producer POST p99 ${fmt.ms(steady.post_p99_ms!)} ms (alone ${fmt.ms(alone.post_p99_ms!)} ms), lag p99 ${fmt.ms(steady.p99_ms!)} ms; ` +
        `${fmt.int(steadyAll.size + smallAccepted)} acknowledged, all stored unchanged`,
    );
    return result;
  } finally {
    await publisher?.stop();
    await subscriber?.stop();
    await rows.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const EXPECTED = {
  steady_alone: ['post_p99_ms', 'p99_ms', 'acknowledged'],
  steady: ['msgs_per_s', 'post_p50_ms', 'post_p99_ms', 'p99_ms', 'acknowledged', 'lost'],
  flood_small: ['offered_req_per_s', 'sent_req_per_s', 'acknowledged', 'lost'],
  flood_large: ['sent_req_per_s', 'too_large'],
  publisher: ['rss_mib', 'rss_first_half_mib', 'rss_second_half_mib', 'body_reserved_peak_mib'],
};

export const floodScenario: Scenario = {
  name: 'flood',
  what:
    'single POSTs at 10× the sustainable rate from one client and bodies of the largest size from another, beside a steady producer, with the production values\' per-client limits: ' +
    'the publisher\'s RSS, the steady producer\'s latency, every 202 stored',
  expected: () => EXPECTED,
  run: (context) => runFlood(context, true),
};

export const floodUnlimitedScenario: Scenario = {
  name: 'flood_unlimited',
  what: 'the same flood without per-client limits, only the shared bounds (messages waiting for SNS, body bytes held): what those bounds alone keep',
  expected: () => EXPECTED,
  run: (context) => runFlood(context, false),
};
