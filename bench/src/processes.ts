import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A process this run started: a service, a peer, or a build. */
export interface RunningProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last lines it printed, for error messages. */
  recentOutput(): string;
  exited(): boolean;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Process groups still running, for the last-resort kill when the bench exits without having stopped them. */
const groups = new Set<number>();
const live = new Set<RunningProcess>();

/** Every child here leads its own process group, so a terminal's Ctrl-C reaches only the bench, which stops them in order. */
export function killOnExit(child: ChildProcess): void {
  if (child.pid === undefined || !isRunning(child)) return;
  const pid = child.pid;
  groups.add(pid);
  child.once('exit', () => groups.delete(pid));
}

/** Adopts a child that leads its own process group (as `spawnService` and `startProgram` start them). */
export function track(name: string, child: ChildProcess, lines: () => string[]): RunningProcess {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  killOnExit(child);
  let stopping: Promise<void> | undefined;
  const running: RunningProcess = {
    name,
    pid,
    child,
    recentOutput: () => lines().slice(-12).join('\n'),
    exited: () => !isRunning(child),
    stop: (graceMs = 15_000) =>
      (stopping ??= (async () => {
        if (isRunning(child)) {
          const exit = once(child, 'exit');
          killGroup(pid, 'SIGTERM');
          const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
          await exit;
          clearTimeout(timer);
        }
        live.delete(running);
      })()),
  };
  live.add(running);
  child.once('exit', () => {
    if (!stopping) live.delete(running);
  });
  return running;
}

/** Starts a program that is not one of the services (a peer, Benthos, its build), configured by `env` only. */
export function startProgram(name: string, command: string, args: string[], env: Record<string, string>, onLine?: (line: string) => void): RunningProcess {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 100) lines.shift();
      onLine?.(line);
    });
  }
  return track(name, child, () => lines);
}

/** Stops every child still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const running of [...live].reverse()) await running.stop(5_000).catch(() => undefined);
}

/** Last resort (synchronous, so usable in 'exit'). */
export function killAllNow(): void {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
  groups.clear();
}
