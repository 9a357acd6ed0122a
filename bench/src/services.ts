import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';
import { spawnTracked, type TrackedProcess } from './processes';
import type { Stack } from './stack';

const ROOT = resolve(__dirname, '..', '..');

export interface ServiceOptions {
  /** Extra settings, exactly the variables of the README's configuration table. */
  env?: Record<string, string>;
  /** Directory for a `node --cpu-prof` profile written when the service exits. */
  cpuProfileDir?: string;
  cpuProfileName?: string;
}

export interface RunningService {
  process: TrackedProcess;
  /** Base URL of the publisher API, or of the subscriber's health listener. */
  url: string;
  stop(): Promise<void>;
}

function nodeArgs(script: string, options: ServiceOptions): string[] {
  const profile = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, ...(options.cpuProfileName ? [`--cpu-prof-name=${options.cpuProfileName}`] : [])]
    : [];
  return [...profile, join(ROOT, script)];
}

export async function waitReady(name: string, url: string, tracked: TrackedProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (tracked.exited()) throw new Error(`${name} exited while starting:\n${tracked.recentOutput()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs / 1000} s:\n${tracked.recentOutput()}`);
}

/** The publisher as it runs in production: `node publisher/dist/main.js`, configured by environment only. */
export async function startPublisher(stack: Stack, options: ServiceOptions = {}): Promise<RunningService> {
  const port = await freePort();
  const tracked = spawnTracked('publisher', process.execPath, nodeArgs('publisher/dist/main.js', options), {
    env: { ...process.env, ...stack.serviceEnv, HOST: '127.0.0.1', PORT: String(port), ...options.env },
    echoStderr: true,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady('publisher', `${url}/readyz`, tracked);
  } catch (err) {
    await tracked.stop();
    throw err;
  }
  return { process: tracked, url, stop: () => tracked.stop() };
}

/** The subscriber as it runs in production: `node subscriber/dist/main.js`, configured by environment only. */
export async function startSubscriber(stack: Stack, options: ServiceOptions = {}): Promise<RunningService> {
  const port = await freePort();
  const tracked = spawnTracked('subscriber', process.execPath, nodeArgs('subscriber/dist/main.js', options), {
    env: { ...process.env, ...stack.serviceEnv, HEALTH_HOST: '127.0.0.1', HEALTH_PORT: String(port), ...options.env },
    echoStderr: true,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady('subscriber', `${url}/readyz`, tracked);
  } catch (err) {
    await tracked.stop();
    throw err;
  }
  return { process: tracked, url, stop: () => tracked.stop() };
}
