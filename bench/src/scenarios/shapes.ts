import type { Sizes } from '../options';
import { fmt, progress } from '../progress';
import { segmentMetric, type SystemResult } from '../report/results';
import { percentile, round } from '../stats';
import { measure, type Scenario, type ScenarioContext } from './context';
import { runE2e, type Segment } from './e2e-run';

type Shapes = Sizes['shapes'];

/** A linear ramp as a staircase of `stepS`-second segments, the first at `fromRate`, the last at `toRate`. */
export function rampSegments({ fromRate, toRate, durationS, stepS }: Shapes['ramp']): Segment[] {
  const n = Math.max(1, Math.round(durationS / stepS));
  return Array.from({ length: n }, (_, i) => ({ rate: Math.round(fromRate + ((toRate - fromRate) * i) / Math.max(1, n - 1)), durationS: stepS }));
}

export function stepSegments({ rates, holdS }: Shapes['steps']): Segment[] {
  return rates.map((rate) => ({ rate, durationS: holdS }));
}

/** Base, spike, base, spike, …, base: the last base rate shows how the backlog of the last spike drains. */
export function waveSegments({ baseRate, spikeRate, baseS, spikeS, waves }: Shapes['waves']): Segment[] {
  const base = { rate: baseRate, durationS: baseS };
  return [...Array.from({ length: waves }, () => [base, { rate: spikeRate, durationS: spikeS }]).flat(), base];
}

const SHAPES = {
  ramp: rampSegments,
  steps: stepSegments,
  waves: waveSegments,
} as const satisfies { [K in keyof Shapes]: (shape: Shapes[K]) => Segment[] };

async function runShape(context: ScenarioContext, name: keyof Shapes): Promise<SystemResult> {
  const segments = (SHAPES[name] as (shape: Shapes[typeof name]) => Segment[])(context.options.sizes.shapes[name]);
  return measure(`shapes ${name}`, async () => {
    const run = await runE2e(context, { label: `shapes ${name}`, segments });
    const f = run.figures;
    const result: Record<string, number> = {
      offered_msgs_per_s: f.offered_msgs_per_s!,
      msgs_per_s: f.msgs_per_s!,
      acknowledged: f.acknowledged!,
      // runE2e fails when an acknowledged message is missing, so a result always has none lost.
      lost: f.acknowledged! - f.stored!,
      shed: f.shed!,
      other_errors: f.failed! - f.shed!,
      p50_ms: f.p50_ms!,
      p99_ms: f.p99_ms!,
      max_ms: f.max_ms!,
    };
    for (const cores of ['publisher_cpu_cores', 'subscriber_cpu_cores', 'emulator_cpu_cores', 'postgres_cpu_cores', 'services_cpu_s_per_1k_msgs']) {
      if (f[cores] !== undefined) result[cores] = f[cores];
    }
    run.segments.forEach((segment, i) => {
      result[segmentMetric(i, 'offered_msgs_per_s')] = segment.rate;
      result[segmentMetric(i, 'msgs_per_s')] = round(segment.acknowledged / segment.durationS, 1);
      result[segmentMetric(i, 'p99_ms')] = round(percentile(segment.lags, 99), 1);
      result[segmentMetric(i, 'failed')] = segment.shed + segment.otherErrors;
    });
    progress.done(`${name}: ${fmt.int(result.acknowledged!)} acknowledged, every one stored; ${fmt.int(result.shed!)} shed, ${fmt.int(result.other_errors!)} other errors`);
    return result;
  });
}

async function runShapes(context: ScenarioContext): Promise<Record<string, SystemResult>> {
  const results: Record<string, SystemResult> = {};
  for (const name of Object.keys(SHAPES) as (keyof Shapes)[]) results[name] = await runShape(context, name);
  return results;
}

export const shapesScenario: Scenario = {
  name: 'shapes',
  what: 'e2e with the rate changing over time — a ramp, held steps, waves with spikes — and every acknowledged message stored',
  expected: () =>
    Object.fromEntries(Object.keys(SHAPES).map((name) => [name, ['acknowledged', 'lost', 'shed', 'other_errors', 'p50_ms', 'p99_ms', 'max_ms']])),
  run: (context) => runShapes(context),
};
