import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Resident set size of a process in KiB, or undefined once it is gone. */
async function rssKiB(pid: number): Promise<number | undefined> {
  if (process.platform === 'linux') {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) : undefined;
    } catch {
      return undefined;
    }
  }
  try {
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
    const kib = Number(stdout.trim());
    return Number.isFinite(kib) && kib > 0 ? kib : undefined;
  } catch {
    return undefined;
  }
}

export interface RssSampler {
  /** Highest RSS seen so far, in MiB. */
  peakMiB(): number;
  stop(): Promise<number>;
}

/** Samples a process's RSS every `intervalMs` and keeps the peak. */
export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let peakKiB = 0;
  let sampling: Promise<void> = Promise.resolve();
  const sample = () => {
    sampling = sampling.then(async () => {
      const kib = await rssKiB(pid);
      if (kib !== undefined && kib > peakKiB) peakKiB = kib;
    });
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    peakMiB: () => peakKiB / 1024,
    stop: async () => {
      clearInterval(timer);
      sample();
      await sampling;
      return peakKiB / 1024;
    },
  };
}
