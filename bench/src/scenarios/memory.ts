import { isError, type SystemResult } from '../report/results';
import type { Scenario } from './context';

/**
 * Peak RSS sampled while `publish` loaded the publisher and while `drain` ran each consumer with
 * the queue full; it measures nothing of its own, so it needs both scenarios in the same run.
 */
export const memoryScenario: Scenario = {
  name: 'memory',
  what: 'peak RSS of the publisher during publish and of each consumer during drain',
  expected: (options) => ({
    ...(options.only.has('publish') ? { unbatched: ['publisher_rss_mib'] } : {}),
    ours: [...(options.only.has('publish') ? ['publisher_rss_mib'] : []), ...(options.only.has('drain') ? ['subscriber_rss_mib'] : [])],
    ...(options.only.has('drain') ? { sqs_consumer: ['rss_mib'], benthos: ['rss_mib'] } : {}),
  }),
  run: async ({ memory, unavailable, results }) => {
    const memoryResults: Record<string, SystemResult> = { ...memory };
    for (const system of ['ours', 'unbatched', 'sqs_consumer', 'benthos']) {
      const failed = [results.drain?.[system], results.publish?.[system]].find(isError);
      if (memoryResults[system] === undefined && failed) {
        memoryResults[system] = { error: failed.error };
        if (unavailable.has(`drain/${system}`)) unavailable.add(`memory/${system}`);
      }
    }
    return memoryResults;
  },
};
