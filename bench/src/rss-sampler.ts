import pidusage from 'pidusage';

export interface RssSampler {
  /** Stops sampling; resolves with the highest RSS seen, in MiB. */
  stop(): Promise<number>;
}

/** Samples a process's resident set size every `intervalMs` and keeps the peak. */
export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let peakBytes = 0;
  let sampling: Promise<void> = Promise.resolve();
  const sample = () => {
    sampling = sampling
      .then(() => pidusage(pid))
      .then(({ memory }) => void (peakBytes = Math.max(peakBytes, memory)), () => undefined);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      sample();
      await sampling;
      return peakBytes / 2 ** 20;
    },
  };
}
