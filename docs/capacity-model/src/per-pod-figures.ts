import type { BenchResults } from './bench-results';

/** What one process of each kind does per CPU core, read from a full run's results. */
export interface PerPodFigures {
  /** POST /ingresar-datos answered per publisher core (publish, ours, c64). */
  publishPerCore: number;
  /** GET /data/:id answered per publisher core (read, ours, max rate). */
  readPerCore: number;
  /** Messages stored per subscriber core (drain, ours). */
  drainPerCore: number;
  /** Postgres core-seconds per stored row (drain, ours: multi-row INSERT … ON CONFLICT). */
  pgCoreSecondsPerRow: number;
  /** Postgres core-seconds per GET (read, ours). */
  pgCoreSecondsPerRead: number;
  /** Seconds a message is held by the subscriber, from Little's law on the e2e run (in flight ÷ rate). */
  heldSecondsPerMessage: number;
  /** Entries per PublishBatch call at the e2e rate (more at higher per-pod rates). */
  entriesPerPublishCall: number;
  /** The e2e run: rate and measured cores, to check the model at a second operating point. */
  e2e: { msgsPerS: number; publisherCores: number; subscriberCores: number; postgresCores: number };
  publisherRssMiB: number;
  subscriberRssMiB: number;
}

function metric(results: BenchResults, scenario: string, system: string, name: string): number {
  const r = results.scenarios[scenario]?.[system];
  if (r === undefined || 'error' in r) throw new Error(`${scenario}/${system} was not measured in this run`);
  const value = r[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${scenario}/${system} has no ${name}`);
  return value;
}

/**
 * The same figures at the cost per message the paced e2e run showed (smaller batches: fewer
 * messages per receive and per PublishBatch), never cheaper than at full speed.
 */
export function pacedFigures(f: PerPodFigures): PerPodFigures {
  const publisherFactor = Math.max(1, f.e2e.publisherCores / (f.e2e.msgsPerS / f.publishPerCore));
  const subscriberFactor = Math.max(1, f.e2e.subscriberCores / (f.e2e.msgsPerS / f.drainPerCore));
  const postgresFactor = Math.max(1, f.e2e.postgresCores / (f.e2e.msgsPerS * f.pgCoreSecondsPerRow));
  return {
    ...f,
    publishPerCore: f.publishPerCore / publisherFactor,
    drainPerCore: f.drainPerCore / subscriberFactor,
    pgCoreSecondsPerRow: f.pgCoreSecondsPerRow * postgresFactor,
  };
}

export function perPodFigures(results: BenchResults): PerPodFigures {
  const m = (scenario: string, name: string, system = 'ours') => metric(results, scenario, system, name);
  return {
    publishPerCore: m('publish', 'req_per_s_c64') / m('publish', 'cpu_c64'),
    readPerCore: m('read', 'req_per_s') / m('read', 'cpu_cores'),
    drainPerCore: m('drain', 'msgs_per_s') / m('drain', 'cpu_cores'),
    pgCoreSecondsPerRow: m('drain', 'postgres_cpu_cores') / m('drain', 'msgs_per_s'),
    pgCoreSecondsPerRead: m('read', 'postgres_cpu_cores') / m('read', 'req_per_s'),
    heldSecondsPerMessage: m('e2e', 'in_flight_avg') / m('e2e', 'msgs_per_s'),
    entriesPerPublishCall: m('e2e', 'entries_per_publish_call'),
    e2e: {
      msgsPerS: m('e2e', 'msgs_per_s'),
      publisherCores: m('e2e', 'publisher_cpu_cores'),
      subscriberCores: m('e2e', 'subscriber_cpu_cores'),
      postgresCores: m('e2e', 'postgres_cpu_cores'),
    },
    publisherRssMiB: m('memory', 'publisher_rss_mib'),
    subscriberRssMiB: m('memory', 'subscriber_rss_mib'),
  };
}
