/** Numbers of one system in one scenario, or why there are none. */
export type SystemResult = Record<string, number> | { error: string };

/** `{"machine": {...}, "scenarios": {"<scenario>": {"<system>": {"<metric>": number}}}}`, comparable by script. */
export interface BenchResults {
  machine: Record<string, string | number>;
  scenarios: Record<string, Record<string, SystemResult>>;
}

/** A metric of one segment of a run whose rate changes (shapes): `seg07_p99_ms`, numbered from 1, two digits so they sort in order. */
export const segmentMetric = (index: number, name: string) => `seg${String(index + 1).padStart(2, '0')}_${name}`;
export const SEGMENT_METRIC = /^seg(\d+)_(.+)$/;

export function isError(result: SystemResult | undefined): result is { error: string } {
  return result !== undefined && typeof (result as { error?: unknown }).error === 'string';
}

/** What a scenario promised to measure: the metrics each system must report. */
export type Expected = Record<string, string[]>;

export interface Problem {
  scenario: string;
  system: string;
  problem: string;
}

/**
 * Every expected metric must be a finite number. A system may instead carry an error only when
 * it was declared unavailable on this machine (a peer that cannot be built), never silently.
 */
export function findProblems(results: BenchResults, expected: Record<string, Expected>, unavailable: Set<string>): Problem[] {
  const problems: Problem[] = [];
  for (const [scenario, systems] of Object.entries(expected)) {
    for (const [system, metrics] of Object.entries(systems)) {
      const result = results.scenarios[scenario]?.[system];
      if (result === undefined) {
        problems.push({ scenario, system, problem: 'missing' });
      } else if (isError(result)) {
        if (!unavailable.has(`${scenario}/${system}`)) problems.push({ scenario, system, problem: result.error });
      } else {
        for (const metric of metrics) {
          const value = result[metric];
          if (typeof value !== 'number' || !Number.isFinite(value)) problems.push({ scenario, system, problem: `${metric} is ${String(value)}` });
        }
      }
    }
  }
  return problems;
}
