/** The shape of `bench/results/<name>.json`, as `npm run bench` writes it. */
export interface BenchResults {
  machine: Record<string, string | number>;
  /** scenario → system → metric → number, or why the system was not measured. */
  scenarios: Record<string, Record<string, Record<string, number> | { error: string }>>;
}
