import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  let now = 0;
  const buckets = (burst = 10, ratePerSecond = 5, maxClients = 100) => new TokenBuckets({ ratePerSecond, burst, maxClients }, () => now);
  beforeEach(() => (now = 1_000_000));

  it('When a client sends its burst at once, then all pass and the next is refused until tokens flow back in', () => {
    const limits = buckets();
    for (let i = 0; i < 10; i++) expect(limits.take('a', 1)).toEqual({ ok: true });
    expect(limits.take('a', 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 200; // 5/s: one token back
    expect(limits.take('a', 1)).toEqual({ ok: true });
    expect(limits.take('a', 1).ok).toBe(false);
  });

  it('When a request carries many messages, then it takes that many tokens, and a refusal takes none and says how long to wait', () => {
    const limits = buckets(10, 2);
    expect(limits.take('a', 8)).toEqual({ ok: true });
    expect(limits.take('a', 7)).toEqual({ ok: false, retryAfterSeconds: 3 }); // 2 left, 5 missing at 2/s
    now += 3_000;
    expect(limits.take('a', 7)).toEqual({ ok: true });
  });

  it('When one client floods, then another client keeps its whole burst', () => {
    const limits = buckets();
    for (let i = 0; i < 50; i++) limits.take('flood', 1);
    for (let i = 0; i < 10; i++) expect(limits.take('quiet', 1)).toEqual({ ok: true });
  });

  it('When a client is idle, then its bucket fills up to the burst and no further', () => {
    const limits = buckets();
    limits.take('a', 10);
    now += 60_000;
    for (let i = 0; i < 10; i++) expect(limits.take('a', 1).ok).toBe(true);
    expect(limits.take('a', 1).ok).toBe(false);
  });

  it('When more clients come than the bound, then the least recently seen is forgotten and memory stays bounded', () => {
    const limits = buckets(10, 5, 3);
    limits.take('a', 10);
    limits.take('b', 1);
    limits.take('c', 1);
    limits.take('d', 1); // forgets a: it starts again with a full bucket
    expect(limits.clients).toBe(3);
    expect(limits.take('a', 10)).toEqual({ ok: true });
    expect(limits.clients).toBe(3);
  });
});
