import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildServer<Info> {
  info: Info;
  process: ChildProcess;
  /** Asks the server to stop cleanly and waits for it to exit. */
  stop(): Promise<void>;
}

// Resolved through the workspace root so it works from the sources (tests) and from the build.
const SERVER_SCRIPT = join(__dirname, '..', 'dist', 'bin', 'server.js');

/**
 * Starts a local-stack server (`postgres` or `emulator`) as a child process in its own process
 * group, so a terminal's Ctrl-C reaches only the supervisor, which stops everything in order.
 */
export async function spawnServer<Info>(args: string[], options: { timeoutMs?: number; log?: (line: string) => void } = {}): Promise<ChildServer<Info>> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    output.push(line);
    options.log?.(line);
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${args[0]} did not start within ${options.timeoutMs ?? 60_000} ms`)), options.timeoutMs ?? 60_000);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Info & { ready?: boolean };
        if (parsed.ready) {
          clearTimeout(timer);
          resolve(parsed);
        }
      } catch {
        options.log?.(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server ${args[0]} exited with code ${code}: ${output.slice(-5).join(' | ')}`));
    });
  });
  return { info, process: child, stop: stopOnce(child) };
}

/** A stop() that sends SIGTERM once and waits for the exit; at once when the process has already gone. */
export function stopOnce(child: ChildProcess): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    })());
}
