import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { BenchResults } from './bench-results';
import { capacityReport } from './capacity-report';

const USAGE = `usage: npm run capacity [-- <results.json>]

Reads a benchmark run (default bench/results/latest.json) and writes the capacity model beside it:
capacity.md for latest.json, <name>-capacity.md for <name>.json. Fails when the run lacks a figure
the model needs (a scenario not run, or CPU not measured: the figures come from Linux's /proc).`;

const DEFAULT_RESULTS = resolve(__dirname, '..', '..', '..', 'bench', 'results', 'latest.json');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((a) => a.startsWith('-')) || args.length > 1) {
    console.log(USAGE);
    process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
  }
  const input = resolve(args[0] ?? DEFAULT_RESULTS);
  const results = JSON.parse(await readFile(input, 'utf8')) as BenchResults;
  const name = basename(input, '.json');
  const output = join(dirname(input), name === 'latest' ? 'capacity.md' : `${name}-capacity.md`);
  // A quick run's figures are rough anyway; its short simulation only proves the model runs.
  const simulateSeconds = results.machine.mode === 'quick' ? 2 : 20;
  await writeFile(output, capacityReport(results, { simulateSeconds }));
  console.log(`capacity model of ${input}: ${output}`);
}

main().catch((err: unknown) => {
  console.error(`capacity model not written: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
