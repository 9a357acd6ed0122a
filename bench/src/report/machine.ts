import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Share of time some runnable task waited for a CPU (Linux PSI), over the last 5 minutes: work of
 * other programs on a shared machine shows up here and in the noise of the figures.
 */
export function cpuPressure(): number | undefined {
  try {
    const match = /^some avg10=[\d.]+ avg60=[\d.]+ avg300=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** What the figures depend on, so two runs can be compared knowingly. */
export function describeMachine(extra: Record<string, string | number>): Record<string, string | number> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    os: `${platform()} ${release()} ${arch()}`,
    cpu_model: cpu[0]?.model.trim() ?? 'unknown',
    cpus: cpu.length,
    memory_gib: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    commit: gitCommit(),
    fauxqs: packageVersion('fauxqs'),
    autocannon: packageVersion('autocannon'),
    sqs_consumer: packageVersion('sqs-consumer'),
    ...extra,
  };
}
