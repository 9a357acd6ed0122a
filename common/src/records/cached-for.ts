/**
 * Calls `produce` at most once per `ttlMs`, sharing its promise with every caller meanwhile (one
 * call in flight); a rejection is not kept, so the next call tries again.
 */
export function cachedFor<T>(ttlMs: number, produce: () => Promise<T>): () => Promise<T> {
  let current: { value: Promise<T>; until: number } | undefined;
  return () => {
    if (!current || current.until <= Date.now()) {
      const value = produce();
      current = { value, until: Date.now() + ttlMs };
      value.catch(() => (current = undefined));
    }
    return current.value;
  };
}
