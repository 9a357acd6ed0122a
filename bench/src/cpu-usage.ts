import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function ticks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface Stat {
  ppid: number;
  /** Own CPU seconds, and those of children it has reaped. */
  own: number;
  reaped: number;
}

function statOf(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i]);
    return { ppid: n(1), own: (n(11) + n(12)) / ticks(), reaped: (n(13) + n(14)) / ticks() };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by a process and everything below it (a Postgres server's backends
 * come and go; the postmaster accounts for the ones it reaped). Linux only: undefined elsewhere.
 */
export function treeCpuSeconds(root: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const rootStat = statOf(root);
  if (!rootStat) return undefined;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = statOf(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  let total = 0;
  const visit = (pid: number) => {
    const stat = statOf(pid);
    if (!stat) return;
    total += stat.own + stat.reaped;
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return total;
}

export interface CpuMeter {
  /** Average cores used since the meter started (undefined where /proc is missing). */
  stop(): number | undefined;
}

export function meterCpu(pid: number): CpuMeter {
  const startCpu = treeCpuSeconds(pid);
  const startAt = performance.now();
  return {
    stop: () => {
      const endCpu = treeCpuSeconds(pid);
      if (startCpu === undefined || endCpu === undefined) return undefined;
      return Math.round(((endCpu - startCpu) / ((performance.now() - startAt) / 1000)) * 100) / 100;
    },
  };
}

/** Adds `name: cores` to metrics only where it could be measured. */
export function withCpu(metrics: Record<string, number>, name: string, cores: number | undefined): void {
  if (cores !== undefined && Number.isFinite(cores)) metrics[name] = cores;
}
