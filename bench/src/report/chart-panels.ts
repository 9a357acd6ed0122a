import { isError, SEGMENT_METRIC, type BenchResults } from './results';
import type { Bar, BarGroup, Panel } from './chart';

function value(results: BenchResults, scenario: string, system: string, metric: string): number | undefined {
  const r = results.scenarios[scenario]?.[system];
  if (r === undefined || isError(r)) return undefined;
  const v = r[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function bars(results: BenchResults, scenario: string, systems: string[], metric: string): Bar[] {
  return systems.filter((s) => results.scenarios[scenario]?.[s] !== undefined).map((system) => ({ system, value: value(results, scenario, system, metric) }));
}

function publishLevels(results: BenchResults): number[] {
  const ours = results.scenarios.publish?.ours;
  if (!ours || isError(ours)) return [];
  return Object.keys(ours)
    .map((k) => /^req_per_s_c(\d+)$/.exec(k)?.[1])
    .filter((c): c is string => c !== undefined)
    .map(Number);
}

/** The sweep's runs in order of rate, without the copy of the highest one. */
function sweepRates(results: BenchResults): { system: string; label: string }[] {
  return Object.keys(results.scenarios.sweep ?? {})
    .map((system) => ({ system, rate: Number(/^rate_(\d+)$/.exec(system)?.[1]) }))
    .filter((r) => Number.isFinite(r.rate))
    .sort((a, b) => a.rate - b.rate)
    .map(({ system, rate }) => ({ system, label: `${rate.toLocaleString('en-US')}/s` }));
}

/** One bar per named metric of one scenario's system, the metric's name as the bar's legend. */
function metricBars(results: BenchResults, scenario: string, system: string, metrics: [string, string][]): Bar[] {
  return metrics.map(([legend, metric]) => ({ system: legend, value: value(results, scenario, system, metric) }));
}

/** Each segment of a shape in time order, labelled with its offered rate. */
function segmentGroups(results: BenchResults, shape: string, metric: string, legend: string): BarGroup[] {
  const r = results.scenarios.shapes?.[shape];
  if (!r || isError(r)) return [];
  const count = Object.keys(r).filter((k) => SEGMENT_METRIC.exec(k)?.[2] === metric).length;
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return { label: `${(r[`seg${n}_offered_msgs_per_s`] ?? 0).toLocaleString('en-US')}/s`, bars: [{ system: legend, value: value(results, 'shapes', shape, `seg${n}_${metric}`) }] };
  });
}

/** The table of each scenario as bar charts, in the order of latest.md. */
export function chartPanels(results: BenchResults): Panel[] {
  const panels: Panel[] = [];
  const has = (scenario: string) => results.scenarios[scenario] !== undefined;
  if (has('publish')) {
    const levels = publishLevels(results);
    const byLevel = (metric: string): BarGroup[] => levels.map((c) => ({ label: `c${c}`, bars: bars(results, 'publish', ['ours', 'unbatched', 'benthos'], `${metric}_c${c}`) }));
    panels.push({ title: 'publish: POST throughput', unit: 'req/s, higher is better', groups: byLevel('req_per_s') });
    panels.push({ title: 'publish: POST latency p99', unit: 'ms, lower is better', groups: byLevel('p99_ms') });
  }
  if (has('batch')) {
    panels.push({
      title: 'batch: messages acknowledged by SNS',
      unit: 'msg/s, higher is better',
      groups: [{ label: 'batch', bars: bars(results, 'batch', ['ours', 'ceiling'], 'msgs_per_s') }],
    });
  }
  if (has('drain')) {
    panels.push({
      title: 'drain: queue to stored rows',
      unit: 'msg/s, higher is better',
      groups: [{ label: 'drain', bars: bars(results, 'drain', ['ours', 'sqs_consumer', 'benthos', 'ceiling'], 'msgs_per_s') }],
    });
  }
  if (has('e2e')) {
    panels.push({
      title: 'e2e: 202 to row visible',
      unit: 'ms, lower is better',
      groups: [
        { label: 'p50', bars: bars(results, 'e2e', ['ours'], 'p50_ms') },
        { label: 'p99', bars: bars(results, 'e2e', ['ours'], 'p99_ms') },
      ],
    });
  }
  if (has('sweep')) {
    const rates = sweepRates(results);
    const perRate = (metrics: [string, string][]): BarGroup[] => rates.map(({ system, label }) => ({ label, bars: metricBars(results, 'sweep', system, metrics) }));
    panels.push({ title: 'sweep: 202 to row visible, by offered rate', unit: 'ms, lower is better', groups: perRate([['lag p50', 'p50_ms'], ['lag p99', 'p99_ms']]) });
    panels.push({
      title: 'sweep: CPU of each process, by offered rate',
      unit: 'cores (2 on this machine)',
      groups: perRate([['publisher', 'publisher_cpu_cores'], ['subscriber', 'subscriber_cpu_cores'], ['emulator', 'emulator_cpu_cores'], ['Postgres', 'postgres_cpu_cores']]),
    });
    panels.push({ title: 'sweep: CPU of both services per 1,000 messages', unit: 'CPU seconds, lower is better', groups: perRate([['ours', 'services_cpu_s_per_1k_msgs']]) });
  }
  if (has('shapes')) {
    const shapes = Object.keys(results.scenarios.shapes!);
    panels.push({
      title: 'shapes: 202 to row visible',
      unit: 'ms, lower is better',
      groups: shapes.map((shape) => ({ label: shape, bars: metricBars(results, 'shapes', shape, [['lag p50', 'p50_ms'], ['lag p99', 'p99_ms'], ['lag max', 'max_ms']]) })),
    });
    for (const shape of shapes) {
      panels.push({ title: `shapes: ${shape}, lag p99 of each segment in time order`, unit: 'ms at the offered rate of the segment', groups: segmentGroups(results, shape, 'p99_ms', 'lag p99') });
    }
  }
  if (has('read')) {
    panels.push({ title: 'read: GET /data/:id throughput', unit: 'req/s, higher is better', groups: [{ label: 'max', bars: bars(results, 'read', ['ours', 'node_http', 'ceiling'], 'req_per_s') }] });
    panels.push({
      title: 'read: latency',
      unit: 'ms, lower is better',
      groups: [
        { label: 'p50 max', bars: bars(results, 'read', ['ours', 'node_http', 'ceiling'], 'p50_ms') },
        { label: 'p99 max', bars: bars(results, 'read', ['ours', 'node_http', 'ceiling'], 'p99_ms') },
        { label: 'p99 half', bars: bars(results, 'read', ['ours'], 'p99_ms_half') },
      ],
    });
  }
  if (has('memory')) {
    panels.push({
      title: 'memory: peak RSS under load',
      unit: 'MiB, lower is better',
      groups: [
        { label: 'publisher', bars: bars(results, 'memory', ['ours', 'unbatched'], 'publisher_rss_mib') },
        {
          label: 'consumer',
          bars: [...bars(results, 'memory', ['ours'], 'subscriber_rss_mib'), ...bars(results, 'memory', ['sqs_consumer', 'benthos'], 'rss_mib')],
        },
      ],
    });
  }
  return panels.filter((p) => p.groups.some((g) => g.bars.length > 0));
}
