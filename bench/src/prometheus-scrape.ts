/** Reads one sample of a Prometheus text exposition (the services' /metrics). */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) samples.set(line.slice(0, space), value);
  }
  return samples;
}

/** Sum of every series of a metric (all label sets). */
export function total(samples: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [series, value] of samples) if (series === name || series.startsWith(`${name}{`)) sum += value;
  return sum;
}
