import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type ChildServer } from '../../local-stack/dist/child-server';
import { STACK_ENV } from './stack-env';

declare global {
  // eslint-disable-next-line no-var
  var __testServers: ChildServer<unknown>[] | undefined;
}

/** Starts one real Postgres server and one SNS/SQS emulator for the whole run, on free loopback ports. */
export default async function globalSetup(): Promise<void> {
  // The data directory's parents must be readable by the postgres OS user the server runs as.
  const dataDir = mkdtempSync(join(tmpdir(), 'pubsub-ingest-test-'));
  chmodSync(dataDir, 0o755);
  const started = await Promise.allSettled([
    spawnServer<{ url: string }>(['postgres', join(dataDir, 'postgres'), String(await freePort())]),
    spawnServer<{ endpoint: string }>(['emulator', '0']),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw (failed as PromiseRejectedResult).reason;
  }
  const [postgres, emulator] = started.map((s) => (s as PromiseFulfilledResult<ChildServer<any>>).value) as [
    ChildServer<{ url: string }>,
    ChildServer<{ endpoint: string }>,
  ];
  globalThis.__testServers = [postgres, emulator];
  process.env[STACK_ENV.databaseUrl] = postgres.info.url;
  process.env[STACK_ENV.endpoint] = emulator.info.endpoint;
  process.env[STACK_ENV.dataDir] = dataDir;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
