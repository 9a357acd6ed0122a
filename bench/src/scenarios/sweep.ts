import type { BenchOptions } from '../options';
import { fmt, progress } from '../progress';
import { isError, type SystemResult } from '../report/results';
import { measure, type Scenario, type ScenarioContext } from './context';
import { runE2e } from './e2e-run';

/** The figures of each rate; the run has more (batching, in flight) that the e2e scenario reports. */
const FIGURES = [
  'offered_msgs_per_s',
  'msgs_per_s',
  'p50_ms',
  'p99_ms',
  'max_ms',
  'post_p99_ms',
  'failed',
  'publisher_cpu_cores',
  'subscriber_cpu_cores',
  'emulator_cpu_cores',
  'postgres_cpu_cores',
  'services_cpu_s_per_1k_msgs',
  'entries_per_publish_call',
];

export const systemOf = (rate: number) => `rate_${rate}`;
export const HIGHEST = 'highest_sustainable';

/** Rates the search tries are rounded to a quarter of their order of magnitude (2,750, not 2,734). */
function roundRate(rate: number): number {
  const step = 10 ** Math.floor(Math.log10(rate)) / 4;
  return Math.max(step, Math.round(rate / step) * step);
}

type Sweep = Map<number, SystemResult>;

const sustainedAt = (sweep: Sweep, rate: number) => {
  const r = sweep.get(rate);
  return r !== undefined && !isError(r) && r.sustained === 1;
};

/**
 * The next rate to try: half-way between the highest sustained rate and the lowest one above it
 * that was not, or 1.5× the highest sustained when none above it failed yet. Undefined once the
 * two are within 10% of each other.
 */
function nextRate(sweep: Sweep): number | undefined {
  const rates = [...sweep.keys()];
  const passed = rates.filter((r) => sustainedAt(sweep, r));
  const low = passed.length ? Math.max(...passed) : 0;
  const above = rates.filter((r) => r > low && !sustainedAt(sweep, r));
  const high = above.length ? Math.min(...above) : undefined;
  if (high === undefined) return low > 0 ? roundRate(low * 1.5) : undefined;
  if (high - low <= 0.1 * Math.max(low, high / 2)) return undefined;
  const next = roundRate((low + high) / 2);
  return next > low && next < high && !sweep.has(next) ? next : undefined;
}

async function runRate(context: ScenarioContext, rate: number): Promise<SystemResult> {
  const { durationS, maxLagP99Ms, minAcknowledgedShare } = context.options.sizes.sweep;
  return measure(`sweep ${fmt.int(rate)}/s`, async () => {
    const { figures } = await runE2e(context, { label: `sweep ${fmt.int(rate)}/s`, segments: [{ rate, durationS }] });
    const sustained = figures.p99_ms! <= maxLagP99Ms && figures.failed === 0 && figures.msgs_per_s! >= minAcknowledgedShare * figures.offered_msgs_per_s!;
    const result: Record<string, number> = Object.fromEntries(FIGURES.filter((f) => figures[f] !== undefined).map((f) => [f, figures[f]!]));
    result.sustained = sustained ? 1 : 0;
    (sustained ? progress.done : progress.warn)(`${fmt.int(rate)} msg/s ${sustained ? 'sustained' : 'not sustained'}`);
    return result;
  });
}

async function runSweep(context: ScenarioContext): Promise<Record<string, SystemResult>> {
  const { rates, searchRuns } = context.options.sizes.sweep;
  const sweep: Sweep = new Map();
  for (const rate of rates) sweep.set(rate, await runRate(context, rate));
  for (let run = 0; run < searchRuns; run++) {
    const rate = nextRate(sweep);
    if (rate === undefined) break;
    progress.step(`searching the highest sustainable rate: ${fmt.int(rate)} msg/s`);
    sweep.set(rate, await runRate(context, rate));
  }
  const results: Record<string, SystemResult> = {};
  for (const rate of [...sweep.keys()].sort((a, b) => a - b)) results[systemOf(rate)] = sweep.get(rate)!;
  results[HIGHEST] = highest(sweep);
  return results;
}

/** The highest rate sustained, with its figures; an error when a run failed, so a lost message fails the bench. */
function highest(sweep: Sweep): SystemResult {
  const failed = [...sweep].find(([, r]) => isError(r));
  if (failed) return { error: `the run at ${fmt.int(failed[0])} msg/s failed: ${(failed[1] as { error: string }).error}` };
  const passed = [...sweep.keys()].filter((r) => sustainedAt(sweep, r));
  if (passed.length === 0) return { error: 'no rate was sustained' };
  const rate = Math.max(...passed);
  progress.done(`highest sustainable rate: ${fmt.int(rate)} msg/s`);
  return { sustainable_msgs_per_s: rate, ...(sweep.get(rate) as Record<string, number>) };
}

export const sweepScenario: Scenario = {
  name: 'sweep',
  what: 'e2e at rising constant rates, then a search for the highest rate sustained (lag p99, failed POSTs, acknowledged share)',
  expected: (options: BenchOptions) => ({
    ...Object.fromEntries(options.sizes.sweep.rates.map((rate) => [systemOf(rate), ['offered_msgs_per_s', 'msgs_per_s', 'p99_ms', 'services_cpu_s_per_1k_msgs', 'sustained']])),
    [HIGHEST]: ['sustainable_msgs_per_s', 'p99_ms'],
  }),
  run: (context) => runSweep(context),
};
