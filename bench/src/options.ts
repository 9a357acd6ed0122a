import { parseArgs } from 'node:util';

export const SCENARIOS = ['publish', 'batch', 'drain', 'e2e', 'sweep', 'shapes', 'tracing', 'read', 'memory', 'container', 'flood', 'flood_unlimited'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Sizes {
  publish: { concurrency: number[]; durationS: number; warmupS: number };
  /** Batches of `items` messages on `connections`; the ceiling keeps `ceilingInFlight` PublishBatch calls going. */
  batch: { items: number; connections: number; durationS: number; ceilingInFlight: number };
  /** Interleaved rounds; each system reports its best run (sqs_consumer runs once). */
  drain: { messages: number; rounds: number };
  e2e: { rate: number; durationS: number; connections: number };
  /**
   * e2e runs at each of `rates`, then at most `searchRuns` more to find the highest rate that is
   * sustained: lag p99 at most `maxLagP99Ms`, no POST failed, at least `minAcknowledgedShare` of the offered rate acknowledged.
   */
  sweep: { rates: number[]; durationS: number; searchRuns: number; maxLagP99Ms: number; minAcknowledgedShare: number };
  /** Rates changing over time, each shape one e2e run of segments of constant rate. */
  shapes: {
    ramp: { fromRate: number; toRate: number; durationS: number; stepS: number };
    steps: { rates: number[]; holdS: number };
    /** `waves` times: `baseS` at `baseRate`, then `spikeS` at `spikeRate`; then `baseS` more at the base rate. */
    waves: { baseRate: number; spikeRate: number; baseS: number; spikeS: number; waves: number };
  };
  read: { rows: number; durationS: number; connections: number };
  /**
   * `durationS` of single POSTs offered at `multiple` times the sweep's highest sustainable rate
   * (`sustainableRate` when the sweep did not run) on `floodConnections`, bodies of the largest
   * size on `largeConnections`, and a steady producer at `steadyShare` of the sustainable rate,
   * measured alone for `aloneS` first.
   */
  flood: { multiple: number; durationS: number; aloneS: number; steadyShare: number; floodConnections: number; largeConnections: number; sustainableRate: number };
  /** Long polls per consumer, the same for every drain peer. */
  pollers: number;
  /** Connections per process, the same for every peer that talks to Postgres. */
  poolSize: number;
}

export interface BenchOptions {
  quick: boolean;
  only: Set<ScenarioName>;
  /** Run the services under `node --cpu-prof` and summarize where their time goes. */
  profile: boolean;
  sizes: Sizes;
}

const FULL: Sizes = {
  publish: { concurrency: [1, 16, 64, 256], durationS: 10, warmupS: 2 },
  // 8 × 100 messages stay below the publisher's default PUBLISH_MAX_IN_FLIGHT of 1,000, so none is shed.
  batch: { items: 100, connections: 8, durationS: 10, ceilingInFlight: 16 },
  drain: { messages: 100_000, rounds: 3 },
  e2e: { rate: 1_000, durationS: 30, connections: 32 },
  sweep: { rates: [1_000, 2_000, 4_000], durationS: 12, searchRuns: 3, maxLagP99Ms: 1_000, minAcknowledgedShare: 0.95 },
  // Above 3,000 msg/s lag grows without bound on this 2-core machine (the sweep's highest sustainable rate).
  shapes: {
    ramp: { fromRate: 500, toRate: 5_000, durationS: 40, stepS: 2 },
    steps: { rates: [500, 1_000, 2_000, 4_000], holdS: 10 },
    waves: { baseRate: 1_000, spikeRate: 9_000, baseS: 8, spikeS: 3, waves: 3 },
  },
  read: { rows: 100_000, durationS: 10, connections: 32 },
  // The sweep's last full run sustained 2,000 msg/s.
  flood: { multiple: 10, durationS: 60, aloneS: 10, steadyShare: 0.1, floodConnections: 256, largeConnections: 32, sustainableRate: 2_000 },
  pollers: 8,
  poolSize: 8,
};

/** Every scenario and peer, on the same code paths, at a size that runs in well under a minute. */
const QUICK: Sizes = {
  ...FULL,
  publish: { ...FULL.publish, durationS: 1.5, warmupS: 0.5 },
  batch: { ...FULL.batch, durationS: 1.5 },
  drain: { messages: 2_000, rounds: 1 },
  e2e: { rate: 200, durationS: 5, connections: 8 },
  sweep: { ...FULL.sweep, rates: [100, 200, 400], durationS: 2, searchRuns: 1 },
  shapes: {
    ramp: { fromRate: 50, toRate: 300, durationS: 3, stepS: 1 },
    steps: { rates: [50, 100, 200], holdS: 1 },
    waves: { baseRate: 100, spikeRate: 300, baseS: 1, spikeS: 1, waves: 1 },
  },
  read: { ...FULL.read, rows: 2_000, durationS: 1.5 },
  flood: { ...FULL.flood, durationS: 4, aloneS: 1.5, floodConnections: 32, largeConnections: 4, sustainableRate: 200 },
};

export const USAGE = `usage: npm run bench -- [--quick] [--only=publish,batch,drain,e2e,sweep,shapes,tracing,read,memory,container,flood,flood_unlimited] [--profile]

  --quick     every scenario at a tiny size (under a minute); writes bench/results/quick.*
              and exits non-zero when a scenario fails or a figure is missing
  --only=…    run some scenarios (memory needs publish and drain); a full run of some writes
              bench/results/only-<scenarios>.*, never latest.*
  --profile   run the services under node --cpu-prof; writes bench/results/profile.* and the
              profiles with their summary to bench/results/profiles/

The capacity model is computed from a run's results by npm run capacity.`;

export function parseOptions(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { quick: { type: 'boolean' }, profile: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const names = values.only?.split(',').filter(Boolean) ?? [...SCENARIOS];
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n${USAGE}`);
  }
  const quick = values.quick ?? false;
  return { quick, only: new Set(names as ScenarioName[]), profile: values.profile ?? false, sizes: quick ? QUICK : FULL };
}
