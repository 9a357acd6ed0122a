import type { BenchOptions } from '../options';
import type { BenchResults, Expected, SystemResult } from '../report/results';
import { progress } from '../progress';
import type { Stack } from '../bench-stack';

/** Peak RSS per system and process, filled by `publish` and `drain`, reported by `memory`. */
export type MemoryLog = Record<string, Record<string, number>>;

export interface ScenarioContext {
  stack: Stack;
  options: BenchOptions;
  memory: MemoryLog;
  /** `scenario/system` pairs that could not run on this machine (reported with their reason). */
  unavailable: Set<string>;
  /** Directory for CPU profiles when `--profile` is given. */
  profileDir: string | undefined;
  /** What the scenarios before this one measured. */
  results: BenchResults['scenarios'];
}

export interface Scenario {
  name: string;
  what: string;
  /** The metrics every system must report, so a run with a hole in it fails loudly. */
  expected(options: BenchOptions): Expected;
  run(context: ScenarioContext): Promise<Record<string, SystemResult>>;
}

export function recordPeak(memory: MemoryLog, system: string, metric: string, mib: number): void {
  const bySystem = (memory[system] ??= {});
  bySystem[metric] = Math.max(bySystem[metric] ?? 0, Math.round(mib * 10) / 10);
}

/** Runs one system of a scenario; a failure becomes that system's `{error}` instead of ending the run. */
export async function measure(label: string, run: () => Promise<Record<string, number>>): Promise<SystemResult> {
  try {
    return await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    progress.fail(`${label}: ${message.split('\n')[0]}`);
    return { error: message.split('\n')[0]! };
  }
}

/** A system that cannot run on this machine: reported with its reason, and allowed to have no figures. */
export function markUnavailable(context: ScenarioContext, scenario: string, system: string, reason: string): SystemResult {
  progress.warn(`${system}: ${reason}`);
  context.unavailable.add(`${scenario}/${system}`);
  return { error: reason };
}
