import { join } from 'node:path';
import { spawnTracked, type TrackedProcess } from '../processes';

export interface PeerProcess {
  process: TrackedProcess;
  /** Resolves with the first JSON line carrying `key` (e.g. `ready`, `done`). */
  waitFor<T extends Record<string, unknown>>(key: string, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs a peer program of the bench (`bench/dist/peers/<script>.js`) in its own process, so it has
 * its own event loop and memory like the service it is compared with. Peers report on stdout, one
 * JSON object per line.
 */
export function startPeerProcess(name: string, script: string, env: Record<string, string>): PeerProcess {
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const tracked = spawnTracked(name, process.execPath, [join(__dirname, `${script}.js`)], {
    env: { ...process.env, ...env },
    echoStderr: true,
    onStdoutLine: (line) => {
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
        for (const wake of waiters.splice(0)) wake();
      } catch {
        // not a report line
      }
    },
  });
  tracked.child.once('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    process: tracked,
    stop: () => tracked.stop(),
    waitFor: <T extends Record<string, unknown>>(key: string, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`${name}: no "${key}" within ${timeoutMs / 1000} s\n${tracked.recentOutput()}`)), timeoutMs);
        const check = () => {
          const event = events.find((e) => key in e);
          if (event) {
            clearTimeout(deadline);
            resolve(event as T);
          } else if (tracked.exited()) {
            clearTimeout(deadline);
            reject(new Error(`${name} exited with code ${tracked.child.exitCode}:\n${tracked.recentOutput()}`));
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
  };
}
