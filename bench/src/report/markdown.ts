import { isError, SEGMENT_METRIC, type BenchResults, type SystemResult } from './results';
import type { TargetCheck } from './targets';

const UNITS: [RegExp, string][] = [
  [/^req_per_s/, 'req/s'],
  [/^msgs_per_s$/, 'msg/s'],
  [/^offered_msgs_per_s$/, 'offered msg/s'],
  [/^sustainable_msgs_per_s$/, 'highest sustained msg/s'],
  [/^sustained$/, 'sustained (1 = yes)'],
  [/^acknowledged$/, 'acknowledged (202)'],
  [/^lost$/, 'lost'],
  [/^shed$/, 'shed (503)'],
  [/^other_errors$/, 'other errors'],
  [/^services_cpu_s_per_1k_msgs$/, 'services CPU s per 1k msgs'],
  [/^msgs_per_s_worst$/, 'msg/s, worst run'],
  [/^runs$/, 'runs'],
  [/^receive_errors$/, 'failed receives'],
  [/^p99_ms_all$/, 'p99 ms, every answer'],
  [/^post_p50_ms$/, 'POST p50 ms'],
  [/^offered_req_per_s$/, 'offered req/s'],
  [/^sent_req_per_s$/, 'answered req/s'],
  [/^rate_limited$/, 'rate limited (429)'],
  [/^too_large$/, 'too large (413)'],
  [/^stored$/, 'stored'],
  [/^altered$/, 'altered'],
  [/^body_kib$/, 'body KiB'],
  [/^rss_first_half_mib$/, 'RSS MiB, first half'],
  [/^rss_second_half_mib$/, 'RSS MiB, second half'],
  [/^body_reserved_peak_mib$/, 'body MiB reserved, peak'],
  [/^answered_202$/, 'answered 202'],
  [/^answered_413$/, 'answered 413'],
  [/^answered_429$/, 'answered 429'],
  [/^answered_503$/, 'answered 503'],
  [/^p50_ms/, 'p50 ms'],
  [/^p99_ms/, 'p99 ms'],
  [/^post_p99_ms$/, 'POST p99 ms'],
  [/^max_ms$/, 'max ms'],
  [/^seconds$/, 'seconds'],
  [/^publisher_rss_mib$/, 'publisher RSS MiB'],
  [/^subscriber_rss_mib$/, 'subscriber RSS MiB'],
  [/^rss_mib$/, 'RSS MiB'],
  [/^memory_limit_mib$/, 'memory limit MiB'],
  [/^batch_msgs_per_s$/, 'msg/s in batches'],
  [/^failed$/, 'failed'],
  [/^refused_items$/, 'items refused'],
  [/^queued$/, 'messages queued'],
  [/^cpu_cores$/, 'cores'],
  [/^msgs_per_cpu_s$/, 'msg per CPU-second'],
  [/^req_per_cpu_s$/, 'req per CPU-second'],
  [/^emulator_cpu/, 'emulator cores'],
  [/^postgres_cpu/, 'Postgres cores'],
  [/^publisher_cpu/, 'publisher cores'],
  [/^subscriber_cpu/, 'subscriber cores'],
  [/^in_flight_avg$/, 'in flight (avg)'],
  [/^sns_calls_per_s$/, 'SNS calls/s'],
  [/^entries_per_publish_call$/, 'entries per PublishBatch'],
];

function header(metric: string): string {
  const level = /_c(\d+)$/.exec(metric)?.[1];
  const suffix = /_half$/.test(metric) ? ' at half rate' : level ? ` at c${level}` : '';
  const base = metric.replace(/_half$/, '').replace(/_c\d+$/, '');
  const unit = UNITS.find(([re]) => re.test(base))?.[1] ?? base;
  return `${unit}${suffix}`;
}

function cell(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Math.round(value * 100) / 100);
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function errorsOf(systems: Record<string, SystemResult>): string[] {
  return Object.entries(systems)
    .filter(([, r]) => isError(r))
    .map(([system, r]) => `- \`${system}\`: not measured — ${(r as { error: string }).error}`);
}

function systemsTable(systems: Record<string, SystemResult>): string {
  const measured = Object.entries(systems).filter(([, r]) => !isError(r)) as [string, Record<string, number>][];
  const metrics = [...new Set(measured.flatMap(([, r]) => Object.keys(r)))];
  return table(['system', ...metrics.map(header)], measured.map(([system, r]) => [`\`${system}\``, ...metrics.map((m) => cell(r[m]))]));
}

/** `shapes`: the totals of each shape, then each shape's segments, one row per segment in time order. */
function shapesTables(systems: Record<string, SystemResult>): string {
  const totals: Record<string, SystemResult> = {};
  const parts: string[] = [];
  for (const [shape, result] of Object.entries(systems)) {
    if (isError(result)) continue;
    totals[shape] = Object.fromEntries(Object.entries(result).filter(([k]) => !SEGMENT_METRIC.test(k)));
    const segments = new Map<number, Record<string, number>>();
    for (const [k, v] of Object.entries(result)) {
      const match = SEGMENT_METRIC.exec(k);
      if (!match) continue;
      const bySegment = segments.get(Number(match[1])) ?? {};
      bySegment[match[2]!] = v;
      segments.set(Number(match[1]), bySegment);
    }
    const rows = [...segments].sort(([a], [b]) => a - b).map(([n, r]) => [String(n), cell(r.offered_msgs_per_s), cell(r.msgs_per_s), cell(r.p99_ms), cell(r.failed)]);
    parts.push(`\`${shape}\` by segment:`, '', table(['segment', 'offered msg/s', 'acknowledged msg/s', 'lag p99 ms', 'failed POSTs'], rows), '');
  }
  return [systemsTable(totals), '', ...parts].join('\n').trimEnd();
}

/** `publish` reads better with one row per concurrency level and the two systems side by side. */
function publishTable(systems: Record<string, SystemResult>): string {
  const names = Object.keys(systems).filter((s) => !isError(systems[s]));
  const levels = [...new Set(names.flatMap((s) => Object.keys(systems[s] as Record<string, number>)))]
    .map((k) => /^req_per_s_c(\d+)$/.exec(k)?.[1])
    .filter((c): c is string => c !== undefined);
  const head = ['concurrency', ...names.flatMap((s) => [`\`${s}\` req/s`, `\`${s}\` p50 ms`, `\`${s}\` p99 ms`, `\`${s}\` cores`])];
  const rows = levels.map((c) => [
    c,
    ...names.flatMap((s) => {
      const r = systems[s] as Record<string, number>;
      return [cell(r[`req_per_s_c${c}`]), cell(r[`p50_ms_c${c}`]), cell(r[`p99_ms_c${c}`]), cell(r[`cpu_c${c}`])];
    }),
  ]);
  const perLevel = new RegExp(`^(req_per_s|p50_ms|p99_ms|cpu)_c(${levels.join('|')})$`);
  const rest: Record<string, SystemResult> = {};
  for (const s of names) {
    rest[s] = Object.fromEntries(Object.entries(systems[s] as Record<string, number>).filter(([k]) => !perLevel.test(k)));
  }
  return `${table(head, rows)}\n\n${systemsTable(rest)}`;
}

export function renderMarkdown(results: BenchResults, targets: TargetCheck[], descriptions: Record<string, string>, chartFile: string): string {
  const m = results.machine;
  const lines = [
    `# Benchmark results (${m.mode})`,
    '',
    `${m.date} · ${m.cpus} × ${m.cpu_model} · ${m.memory_gib} GiB · ${m.os} · Node ${m.node} · Postgres ${m.postgres} · fauxqs ${m.fauxqs} · commit ${m.commit}`,
    '',
    `Load generator and every server share this machine. Sizes: ${m.sizes}.`,
    '',
    `Load average at start ${m.load_avg_1m_at_start}${m.cpu_pressure_pct_last_5_min !== undefined ? `; CPU pressure over the last 5 minutes of the run ${m.cpu_pressure_pct_last_5_min}% (time some task waited for a CPU)` : ''}.`,
    '',
    `![benchmark chart](${chartFile})`,
    '',
  ];
  for (const [scenario, systems] of Object.entries(results.scenarios)) {
    lines.push(`## ${scenario}`, '', descriptions[scenario] ?? '', '');
    const anyMeasured = Object.values(systems).some((r) => !isError(r));
    if (anyMeasured) lines.push(scenario === 'publish' ? publishTable(systems) : scenario === 'shapes' ? shapesTables(systems) : systemsTable(systems), '');
    const errors = errorsOf(systems);
    if (errors.length) lines.push(...errors, '');
  }
  lines.push(
    '## Targets',
    '',
    'Reported, never asserted (noise on a shared 2-core machine is ±15%).',
    '',
    table(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, t.met === undefined ? 'n/a' : t.met ? 'yes' : '**no**']),
    ),
    '',
  );
  return lines.join('\n');
}
