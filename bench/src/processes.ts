import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface TrackedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines the process wrote, for error messages. */
  recentOutput(): string;
  /** SIGTERM to its process group (or its own graceful stop), then SIGKILL to the group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  exited(): boolean;
}

interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every stdout line (peers report progress as JSON lines). */
  onStdoutLine?: (line: string) => void;
  /** Echo stderr lines with a prefix (services log warnings there). */
  echoStderr?: boolean;
}

/** Every child this run started; cleaned up on normal exit, failure and Ctrl-C. */
const live = new Map<number, TrackedProcess>();

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Each child leads its own process group, so this reaches what it started (e.g. the postmaster) too.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Tracks a child started elsewhere (the local-stack servers), so cleanup reaches it too. */
export function track(name: string, child: ChildProcess, stopGracefully?: () => Promise<void>): TrackedProcess {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  const output: string[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 40) output.shift();
  };
  child.stdout?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(remember));
  child.stderr?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(remember));
  let stopping: Promise<void> | undefined;
  const tracked: TrackedProcess = {
    name,
    child,
    pid,
    recentOutput: () => output.slice(-12).join('\n'),
    exited: () => !isRunning(child),
    stop: (graceMs = 15_000) =>
      (stopping ??= (async () => {
        if (isRunning(child)) {
          const exit = once(child, 'exit');
          const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
          if (stopGracefully) await stopGracefully().catch(() => killGroup(pid, 'SIGTERM'));
          else killGroup(pid, 'SIGTERM');
          await exit;
          clearTimeout(timer);
        }
        live.delete(pid);
      })()),
  };
  live.set(pid, tracked);
  child.once('exit', () => {
    if (!stopping) live.delete(pid);
  });
  return tracked;
}

/** Starts a program in its own process group, so a terminal's Ctrl-C reaches only the bench, which stops it in order. */
export function spawnTracked(name: string, command: string, args: string[], options: SpawnOptions = {}): TrackedProcess {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tracked = track(name, child);
  if (options.onStdoutLine) createInterface({ input: child.stdout! }).on('line', options.onStdoutLine);
  if (options.echoStderr) createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`    [${name}] ${line}\n`));
  return tracked;
}

/** Stops every child still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const tracked of [...live.values()].reverse()) await tracked.stop(5_000).catch(() => undefined);
}

/** Last resort when the bench exits without having stopped its children (synchronous, so usable in 'exit'). */
export function killAllNow(): void {
  for (const tracked of live.values()) if (!tracked.exited()) killGroup(tracked.pid, 'SIGKILL');
  live.clear();
}

/** Resolves when the process exits; rejects never. */
export async function exitOf(tracked: TrackedProcess): Promise<number | null> {
  if (tracked.exited()) return tracked.child.exitCode;
  const [code] = (await once(tracked.child, 'exit')) as [number | null];
  return code;
}
