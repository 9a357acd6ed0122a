import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderChart } from './chart';
import { chartPanels } from './chart-panels';
import { renderMarkdown } from './markdown';
import type { BenchResults } from './results';
import type { TargetCheck } from './targets';

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** `<name>.json`, `<name>.md` and `<name>.svg` in the results directory; returns their paths. */
export async function writeResults(
  dir: string,
  name: string,
  results: BenchResults,
  targets: TargetCheck[],
  descriptions: Record<string, string>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const m = results.machine;
  const svg = await renderChart(
    `pubsub-ingest benchmark (${m.mode})`,
    `${m.cpus} × ${m.cpu_model}, ${m.memory_gib} GiB, Node ${m.node}, Postgres ${m.postgres}, fauxqs ${m.fauxqs} — ${String(m.date).slice(0, 10)}`,
    chartPanels(results),
  );
  const paths = [join(dir, `${name}.json`), join(dir, `${name}.md`), join(dir, `${name}.svg`)];
  await writeAtomically(paths[0]!, `${JSON.stringify(results, null, 2)}\n`);
  await writeAtomically(paths[1]!, renderMarkdown(results, targets, descriptions, `${name}.svg`));
  await writeAtomically(paths[2]!, svg);
  return paths;
}
