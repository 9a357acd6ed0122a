/** One metric family of a Prometheus text exposition. */
export interface MetricFamily {
  name: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format (version 0.0.4) the services serve on /metrics; fails on a line it cannot read. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const familyOf = (sample: string): MetricFamily | undefined =>
    families.get(sample) ?? families.get(sample.replace(/_(bucket|sum|count|total|created)$/, '')) ?? families.get(sample.replace(/_(bucket|sum|count)$/, ''));
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      families.set(type[1]!, { name: type[1]!, type: type[2]!, samples: [] });
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a Prometheus text line: ${line}`);
    const family = familyOf(sample[1]!);
    if (!family) throw new Error(`sample ${sample[1]} has no # TYPE line`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (sample[2] ?? '').matchAll(LABEL)) labels[name!] = value!;
    family.samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return families;
}
