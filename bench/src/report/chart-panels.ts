import { isError, type BenchResults } from './results';
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
