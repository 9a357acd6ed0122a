import { freePort, spawnService, waitReady } from '@pubsub-ingest/local-stack';
import type { Stack } from './bench-stack';
import { track, type RunningProcess } from './processes';

export interface ServiceOptions {
  /** Extra settings, exactly the variables of the README's configuration table. */
  env?: Record<string, string>;
  /** Where `node --cpu-prof` writes the profile when the service exits, and its file name. */
  cpuProfile?: { dir: string; name: string };
}

export interface RunningService {
  process: RunningProcess;
  /** Base URL of the publisher API, or of the subscriber's health listener. */
  url: string;
  stop(): Promise<void>;
}

const LISTEN_ON = { publisher: ['HOST', 'PORT'], subscriber: ['HEALTH_HOST', 'HEALTH_PORT'] } as const;

/**
 * A service as it runs in production (`spawnService`: `node <service>/dist/main.js`, configured by
 * environment only), on a free port of 127.0.0.1, once it answers `/readyz`.
 */
export async function startService(name: keyof typeof LISTEN_ON, stack: Stack, options: ServiceOptions = {}): Promise<RunningService> {
  const port = await freePort();
  const [hostVariable, portVariable] = LISTEN_ON[name];
  const profile = options.cpuProfile
    ? `--cpu-prof --cpu-prof-dir=${JSON.stringify(options.cpuProfile.dir)} --cpu-prof-name=${JSON.stringify(options.cpuProfile.name)}`
    : undefined;
  // A scenario's own NODE_OPTIONS (the flood's heap sizes) and the profiler's go together.
  const nodeOptions = [options.env?.NODE_OPTIONS, profile].filter(Boolean).join(' ');
  const env = { ...stack.serviceEnv, [hostVariable]: '127.0.0.1', [portVariable]: String(port), ...options.env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
  // Its log lines (JSON at LOG_LEVEL=warn) are kept for error messages, not shown.
  const service = spawnService(name, env);
  const running = track(name, service.child, () => service.output().split('\n'));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}/readyz`, { name, alive: () => !running.exited() });
  } catch (err) {
    await running.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${running.recentOutput()}`);
  }
  return { process: running, url, stop: () => running.stop() };
}
