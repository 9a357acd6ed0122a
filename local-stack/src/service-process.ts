import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

/** The service programs exactly as they run in production. */
export const SERVICE_SCRIPTS = {
  publisher: join(ROOT, 'publisher', 'dist', 'main.js'),
  subscriber: join(ROOT, 'subscriber', 'dist', 'main.js'),
} as const;

export interface ServiceProcess {
  name: keyof typeof SERVICE_SCRIPTS;
  child: ChildProcess;
  /** Every line it printed so far. */
  output(): string;
  /** Resolves with the exit code (null after a signal) once it has exited. */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a service as its own process, configured only by `env` (plus PATH), in its own process
 * group so a terminal's Ctrl-C reaches only the supervisor, which stops everything in order.
 */
export function spawnService(name: keyof typeof SERVICE_SCRIPTS, env: Record<string, string>, onLine?: (line: string) => void): ServiceProcess {
  const child = spawn(process.execPath, [SERVICE_SCRIPTS[name]], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      onLine?.(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    output: () => lines.join('\n'),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
