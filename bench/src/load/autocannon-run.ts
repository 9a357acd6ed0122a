import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { every, fmt, progress } from '../progress';
import { percentile, round } from '../stats';

export interface LoadOptions {
  label: string;
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; unlimited when absent. */
  overallRate?: number;
  /** Per-request path (read scenario: a different record each time). */
  nextPath?: () => string;
  /** Every response body with the time it arrived (e2e: the transaction id and its 202). */
  onResponse?: (status: number, body: string, at: number) => void;
}

export interface LoadResult {
  /** 2xx answers per second. */
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  durationS: number;
}

/**
 * autocannon paces a connection by the second: it sends its whole share for the second back to
 * back, then waits for the next tick, and all connections tick together. A paced run is therefore
 * split into staggered instances, so the requests of a second are spread over it.
 */
const PACING_PHASES = 20;

const PACED_STOP_EARLY_S = 0.4;
const PACED_SAMPLE_MS = 250;

interface Tally {
  latencies: number[];
  ok: number;
  failed: number;
}

function runInstance(options: LoadOptions, connections: number, overallRate: number | undefined, tally: Tally): Promise<autocannon.Result> {
  const request: autocannon.Request = {};
  if (options.nextPath) request.setupRequest = (req) => ({ ...req, path: options.nextPath!() });
  if (options.onResponse) request.onResponse = (status, body) => options.onResponse!(status, body, Date.now());
  const settings: autocannon.Options = {
    url: options.url,
    method: options.method ?? 'GET',
    connections,
    // A paced client sends its share at each whole second from its start, and autocannon stops at
    // its first sample after the duration: at durationS, racing the share of the second that
    // begins then. Stopping at the sample before it makes exactly durationS shares.
    ...(overallRate ? { duration: Math.max(0.1, options.durationS - PACED_STOP_EARLY_S), sampleInt: PACED_SAMPLE_MS } : { duration: options.durationS }),
    timeout: 10,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(overallRate ? { overallRate } : {}),
    requests: [request],
  };
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(settings, (err, done) => (err ? reject(err as Error) : resolve(done)));
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) {
        tally.ok++;
        tally.latencies.push(responseTime);
      } else {
        tally.failed++;
      }
    });
    instance.on('reqError', () => tally.failed++);
  });
}

/**
 * One load run with autocannon. Latencies come from its per-response timings (fractional ms)
 * rather than its histogram, whose whole-millisecond buckets cannot tell 0.3 ms from 0.9 ms.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const tally: Tally = { latencies: [], ok: 0, failed: 0 };
  let lastOk = 0;
  const stopTicking = every(2_000, () => {
    progress.tick(`${options.label}: ${fmt.int(tally.ok)} ok, ${fmt.int((tally.ok - lastOk) / 2)}/s${tally.failed ? `, ${fmt.int(tally.failed)} failed` : ''}`);
    lastOk = tally.ok;
  });
  const started = performance.now();
  try {
    if (!options.overallRate) {
      await runInstance(options, options.connections, undefined, tally);
    } else {
      const phases = Math.max(1, Math.min(PACING_PHASES, options.connections, Math.floor(options.overallRate)));
      const connections = Math.ceil(options.connections / phases);
      await Promise.all(
        Array.from({ length: phases }, async (_, i) => {
          await sleep((i * 1000) / phases);
          // The rounding remainder goes to the first phases, so the rates add up exactly.
          const rate = Math.floor(options.overallRate! / phases) + (i < options.overallRate! % phases ? 1 : 0);
          await runInstance(options, Math.min(connections, rate), rate, tally);
        }),
      );
    }
  } finally {
    stopTicking();
  }
  // Staggered phases end up to a second apart; the rate is over the time requests were made.
  const durationS = options.overallRate ? options.durationS : (performance.now() - started) / 1000;
  return {
    reqPerS: round(tally.ok / durationS, 1),
    p50Ms: round(percentile(tally.latencies, 50), 3),
    p99Ms: round(percentile(tally.latencies, 99), 3),
    ok: tally.ok,
    failed: tally.failed,
    durationS,
  };
}
