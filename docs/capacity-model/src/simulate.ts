import { quantile } from 'd3-array';
import { randomExponential, randomGamma, randomInt, randomLcg } from 'd3-random';

/** Exponential gaps between arrivals at `ratePerS` from a seeded generator, so a simulation is reproducible. */
function arrivals(ratePerS: number, seed: number) {
  const source = randomLcg(seed);
  return { source, gap: randomExponential.source(source)(ratePerS) };
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
  const { source, gap } = arrivals(spec.ratePerS, seed);
  const pickServer = randomInt.source(source)(spec.servers);
  // Shape 1 / cv² = 1, scale = the measured mean.
  const workOf = randomGamma.source(source)(1, spec.serviceSeconds);
  const freeAt = new Float64Array(spec.servers);
  const sojourns: number[] = [];
  const quarters = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  let busy = 0;
  for (let t = gap(); t < durationS; t += gap()) {
    const server = pickServer();
    const work = workOf();
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
    p50Ms: quantile(sojourns, 0.5)! * 1000,
    p99Ms: quantile(sojourns, 0.99)! * 1000,
    growth: mean(3) / Math.max(1e-9, mean(0)),
  };
}

/** Share of Poisson arrivals a token bucket (rate = quota, burst = one second of it) refuses. */
export function simulateQuota(ratePerS: number, quotaPerS: number, durationS: number, seed = 2): number {
  const { gap } = arrivals(ratePerS, seed);
  let tokens = quotaPerS;
  let last = 0;
  let refused = 0;
  let total = 0;
  for (let t = gap(); t < durationS; t += gap()) {
    tokens = Math.min(quotaPerS, tokens + (t - last) * quotaPerS);
    last = t;
    total++;
    if (tokens >= 1) tokens -= 1;
    else refused++;
  }
  return total ? refused / total : 0;
}
