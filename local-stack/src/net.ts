import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Polls `url` until it answers 2xx. Fails after `timeoutMs`, or at once when `alive` says the
 * process that should answer has gone.
 */
export async function waitReady(url: string, { timeoutMs = 30_000, alive = () => true, name = url }: { timeoutMs?: number; alive?: () => boolean; name?: string } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${name} exited while starting`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}
