import { isError, type BenchResults } from './results';

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined when a figure is missing. */
  met: boolean | undefined;
}

function metric(results: BenchResults, scenario: string, system: string, name: string): number | undefined {
  const result = results.scenarios[scenario]?.[system];
  if (result === undefined || isError(result)) return undefined;
  const value = result[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function ratio(target: string, a: number | undefined, b: number | undefined, atLeast: number): TargetCheck {
  if (a === undefined || b === undefined || b === 0) return { target, measured: 'n/a', met: undefined };
  const r = a / b;
  return { target, measured: `${r.toFixed(2)}×`, met: r >= atLeast };
}

function ratioAtMost(target: string, a: number | undefined, b: number | undefined, atMostRatio: number): TargetCheck {
  if (a === undefined || b === undefined || b === 0) return { target, measured: 'n/a', met: undefined };
  const r = a / b;
  return { target, measured: `${r.toFixed(2)}×`, met: r <= atMostRatio };
}

function atMost(target: string, value: number | undefined, limit: number, unit: string): TargetCheck {
  if (value === undefined) return { target, measured: 'n/a', met: undefined };
  return { target, measured: `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`, met: value <= limit };
}

function atHighestRate(check: TargetCheck, rate: number | undefined): TargetCheck {
  return rate === undefined ? check : { ...check, measured: `${check.measured} at ${rate.toLocaleString('en-US')} msg/s` };
}

/** The benchmark's targets (never asserted: a report, not a test). */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const m = (scenario: string, system: string, name: string) => metric(results, scenario, system, name);
  const drain = (system: string) => m('drain', system, 'msgs_per_s');
  return [
    ratio('drain: ours msg per CPU-second ≥ 1.2× benthos', m('drain', 'ours', 'msgs_per_cpu_s'), m('drain', 'benthos', 'msgs_per_cpu_s'), 1.2),
    ratio('drain: ours ≥ 0.95× ceiling', drain('ours'), drain('ceiling'), 0.95),
    ratio('drain: ours ≥ 4× sqs_consumer', drain('ours'), drain('sqs_consumer'), 4),
    ratio('publish: ours ≥ 2× benthos at c64', m('publish', 'ours', 'req_per_s_c64'), m('publish', 'benthos', 'req_per_s_c64'), 2),
    ratio('publish: ours ≥ 2× unbatched at c64', m('publish', 'ours', 'req_per_s_c64'), m('publish', 'unbatched', 'req_per_s_c64'), 2),
    ratio('batch: ours ≥ 0.8× bare PublishBatch ceiling', m('batch', 'ours', 'msgs_per_s'), m('batch', 'ceiling', 'msgs_per_s'), 0.8),
    atMost('publish: ours p99 ≤ 25 ms at c64', m('publish', 'ours', 'p99_ms_c64'), 25, 'ms'),
    ratio('read: ours ≥ 0.9× node_http', m('read', 'ours', 'req_per_s'), m('read', 'node_http', 'req_per_s'), 0.9),
    atMost('read: ours p99 ≤ 5 ms at half the max rate', m('read', 'ours', 'p99_ms_half'), 5, 'ms'),
    atMost('e2e: lag p99 ≤ 250 ms', m('e2e', 'ours', 'p99_ms'), 250, 'ms'),
    atMost('e2e: lag p99 ≤ 100 ms at 1k msg/s', m('sweep', 'rate_1000', 'p99_ms'), 100, 'ms'),
    atHighestRate(atMost('e2e: lag p99 ≤ 250 ms at the highest sustainable rate', m('sweep', 'highest_sustainable', 'p99_ms'), 250, 'ms'), m('sweep', 'highest_sustainable', 'sustainable_msgs_per_s')),
    atMost('container: publisher RSS ≤ 150 MiB under load, 256 MiB limit', m('container', 'publisher', 'rss_mib'), 150, 'MiB'),
    atMost('container: subscriber RSS ≤ 150 MiB with the queue full, 256 MiB limit', m('container', 'subscriber', 'rss_mib'), 150, 'MiB'),
    atMost('container: publisher RSS ≤ 256 MiB under the flood, not killed for memory', m('container', 'publisher_flood', 'rss_mib'), 256, 'MiB'),
    atMost('flood: steady producer POST p99 ≤ 250 ms beside a 10× flood', m('flood', 'steady', 'post_p99_ms'), 250, 'ms'),
    atMost('flood: steady producer lag p99 ≤ 250 ms beside a 10× flood', m('flood', 'steady', 'p99_ms'), 250, 'ms'),
    atMost('flood: publisher peak RSS ≤ 256 MiB, the chart\'s memory limit', m('flood', 'publisher', 'rss_mib'), 256, 'MiB'),
    ratioAtMost('flood: publisher RSS, second half of the flood ≤ 1.1× the first (bounded)', m('flood', 'publisher', 'rss_second_half_mib'), m('flood', 'publisher', 'rss_first_half_mib'), 1.1),
    atMost('flood_unlimited: publisher peak RSS ≤ 256 MiB with only the shared bounds', m('flood_unlimited', 'publisher', 'rss_mib'), 256, 'MiB'),
  ];
}
