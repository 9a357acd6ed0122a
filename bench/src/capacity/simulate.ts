import { percentile } from '../stats';

/** A seeded generator, so a simulation is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exponential = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;

/** Gamma-distributed work with the given mean and coefficient of variation (Marsaglia–Tsang). */
function gamma(random: () => number, mean: number, cv: number): number {
  const shape = 1 / (cv * cv);
  const scale = mean / shape;
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const k = shape < 1 ? shape + 1 : shape;
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
      const g = d * v * scale;
      return shape < 1 ? g * random() ** (1 / shape) : g;
    }
  }
}

export interface TierSpec {
  name: string;
  /** Independent single-core servers: one per Node.js pod, one per Postgres core. */
  servers: number;
  /** Mean CPU seconds per request. */
  serviceSeconds: number;
  ratePerS: number;
}

export interface TierResult extends TierSpec {
  utilization: number;
  p50Ms: number;
  p99Ms: number;
  /** Mean wait in the last quarter ÷ first quarter: ≫ 1 when the backlog keeps growing. */
  growth: number;
}

/**
 * Poisson arrivals spread at random over the servers (as a Kubernetes Service does), each server
 * a FIFO queue with gamma-distributed work (cv 1: as variable as exponential service). Returns
 * time in the tier (queueing plus CPU work) — not the I/O waits, which cost no CPU.
 */
export function simulateTier(spec: TierSpec, durationS: number, seed = 1): TierResult {
  const random = rng(seed);
  const freeAt = new Float64Array(spec.servers);
  const sojourns: number[] = [];
  const quarters = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  let busy = 0;
  for (let t = exponential(random, 1 / spec.ratePerS); t < durationS; t += exponential(random, 1 / spec.ratePerS)) {
    const server = Math.floor(random() * spec.servers);
    const work = gamma(random, spec.serviceSeconds, 1);
    const finish = Math.max(t, freeAt[server]!) + work;
    freeAt[server] = finish;
    busy += work;
    const sojourn = finish - t;
    sojourns.push(sojourn);
    const q = Math.min(3, Math.floor((t / durationS) * 4));
    quarters[q]! += sojourn;
    counts[q]!++;
  }
  const mean = (q: number) => quarters[q]! / Math.max(1, counts[q]!);
  return {
    ...spec,
    utilization: busy / (spec.servers * durationS),
    p50Ms: percentile(sojourns, 50) * 1000,
    p99Ms: percentile(sojourns, 99) * 1000,
    growth: mean(3) / Math.max(1e-9, mean(0)),
  };
}

/** Share of Poisson arrivals a token bucket (rate = quota, burst = one second of it) refuses. */
export function simulateQuota(ratePerS: number, quotaPerS: number, durationS: number, seed = 2): number {
  const random = rng(seed);
  let tokens = quotaPerS;
  let last = 0;
  let refused = 0;
  let total = 0;
  for (let t = exponential(random, 1 / ratePerS); t < durationS; t += exponential(random, 1 / ratePerS)) {
    tokens = Math.min(quotaPerS, tokens + (t - last) * quotaPerS);
    last = t;
    total++;
    if (tokens >= 1) tokens -= 1;
    else refused++;
  }
  return total ? refused / total : 0;
}
