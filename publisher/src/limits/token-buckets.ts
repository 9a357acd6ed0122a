/**
 * One token bucket per client: `ratePerSecond` tokens flow in, at most `burst` are kept, a request
 * takes as many as it carries messages. Buckets live in a Map bounded to `maxClients`; the least
 * recently used one goes first, and a bucket refilled to full is the same as a new one, so dropping
 * it loses nothing — a flood from many addresses cannot grow memory past the bound.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: { ratePerSecond: number; burst: number; maxClients: number },
    private readonly nowMs: () => number,
  ) {}

  /** Takes `cost` tokens from `client`'s bucket; when there are too few, takes none and says how many seconds until there are. */
  take(client: string, requested: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const { ratePerSecond, burst } = this.options;
    const now = this.nowMs();
    const bucket = this.buckets.get(client);
    let tokens = burst;
    if (bucket) {
      tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      this.buckets.delete(client); // re-inserted below: the Map's order is the recency order
    }
    const cost = Math.min(requested, burst); // start-up keeps the burst at least a full batch; never ask for more than a bucket holds
    const ok = tokens >= cost;
    this.buckets.set(client, { tokens: ok ? tokens - cost : tokens, at: now });
    if (this.buckets.size > this.options.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / ratePerSecond)) };
  }

  get clients(): number {
    return this.buckets.size;
  }
}
