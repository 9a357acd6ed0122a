export const SCENARIOS = ['publish', 'drain', 'e2e', 'read', 'memory'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Sizes {
  publish: { concurrency: number[]; durationS: number; warmupS: number };
  /** Interleaved rounds; each system reports its best run (sqs_consumer runs once). */
  drain: { messages: number; rounds: number };
  e2e: { rate: number; durationS: number; connections: number };
  read: { rows: number; durationS: number; connections: number };
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
  drain: { messages: 100_000, rounds: 3 },
  e2e: { rate: 1_000, durationS: 30, connections: 32 },
  read: { rows: 100_000, durationS: 10, connections: 32 },
  pollers: 8,
  poolSize: 8,
};

/** Every scenario and peer, on the same code paths, at a size that runs in well under a minute. */
const QUICK: Sizes = {
  publish: { concurrency: [1, 16, 64, 256], durationS: 1.5, warmupS: 0.5 },
  drain: { messages: 2_000, rounds: 1 },
  e2e: { rate: 200, durationS: 5, connections: 8 },
  read: { rows: 2_000, durationS: 1.5, connections: 32 },
  pollers: 8,
  poolSize: 8,
};

export const USAGE = `usage: npm run bench -- [--quick] [--only=publish,drain,e2e,read,memory] [--profile]

  --quick     every scenario at a tiny size (under a minute); writes bench/results/quick.*
              and exits non-zero when a scenario fails or a figure is missing
  --only=…    run some scenarios (memory needs publish and drain)
  --profile   run the services under node --cpu-prof; writes bench/results/profile.* and the
              profiles with their summary to bench/results/profiles/

The capacity model is computed from a run's results by npm run capacity.`;

export function parseOptions(argv: string[]): BenchOptions {
  let quick = false;
  let profile = false;
  let only = new Set<ScenarioName>(SCENARIOS);
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').filter(Boolean);
      for (const name of names) {
        if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n${USAGE}`);
      }
      only = new Set(names as ScenarioName[]);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  return { quick, only, profile, sizes: quick ? QUICK : FULL };
}
