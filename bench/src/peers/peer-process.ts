import { join } from 'node:path';
import { startProgram, type RunningProcess } from '../processes';

export interface PeerProcess {
  process: RunningProcess;
  /** Resolves with the first JSON line carrying `key` (e.g. `ready`, `done`). */
  waitFor<T extends Record<string, unknown>>(key: string, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs a peer program of the bench (`bench/dist/peers/<script>.js`) in its own process, so it has
 * its own event loop and memory like the service it is compared with. Peers report on stdout, one
 * JSON object per line; anything else they print is shown.
 */
export function startPeerProcess(name: string, script: string, env: Record<string, string>): PeerProcess {
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  const running = startProgram(name, process.execPath, [join(__dirname, `${script}.js`)], env, (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
      wakeAll();
    } catch {
      process.stderr.write(`    [${name}] ${line}\n`);
    }
  });
  running.child.once('exit', wakeAll);
  return {
    process: running,
    stop: () => running.stop(),
    waitFor: <T extends Record<string, unknown>>(key: string, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`${name}: no "${key}" within ${timeoutMs / 1000} s\n${running.recentOutput()}`)), timeoutMs);
        const check = () => {
          const event = events.find((e) => key in e);
          if (event) {
            clearTimeout(deadline);
            resolve(event as T);
          } else if (running.exited()) {
            clearTimeout(deadline);
            reject(new Error(`${name} exited with code ${running.child.exitCode}:\n${running.recentOutput()}`));
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
  };
}
