import type { Assumptions } from './assumptions';
import type { PerPodFigures } from './per-pod-figures';

export interface QuotaCheck {
  quota: string;
  need: number;
  limit: number;
  binds: boolean;
}

export interface CapacityPlan {
  publisherWritePods: number;
  publisherReadPods: number;
  publisherPods: number;
  subscriberPods: number;
  pollers: number;
  pollersPerSubscriberPod: number;
  postgresWriteCores: number;
  postgresReadCores: number;
  citusWorkers: number;
  coordinatorCores: number;
  databaseConnections: number;
  snsCallsPerS: number;
  sqsInFlightSteady: number;
  sqsInFlightWorst: number;
  lambdaSecondsPerBatch: number;
  lambdaConcurrency: number;
  quotas: QuotaCheck[];
}

const up = (x: number) => Math.max(1, Math.ceil(x - 1e-9));

/**
 * Pods, pollers and Citus workers for a load, from per-core figures: every tier is sized so its
 * busiest core runs at the target utilization; quotas are compared with what the plan needs.
 */
export function capacityPlan(f: PerPodFigures, a: Assumptions, load = { writesPerS: a.writesPerS, readsPerS: a.readsPerS }): CapacityPlan {
  const perPod = (perCore: number) => perCore * a.coresPerPod * a.targetUtilization;
  const publisherWritePods = up(load.writesPerS / perPod(f.publishPerCore));
  const publisherReadPods = up(load.readsPerS / perPod(f.readPerCore));
  const subscriberPods = up(load.writesPerS / perPod(f.drainPerCore));
  // A poller's next receive starts when its previous one returns (storing runs alongside).
  const perPoller = a.sqsMaxMessagesPerReceive / a.sqsReceiveSeconds;
  const pollers = up(load.writesPerS / (perPoller * a.targetUtilization));
  const pollersPerSubscriberPod = Math.max(a.pollersPerPod, up(pollers / subscriberPods));

  const postgresWriteCores = load.writesPerS * f.pgCoreSecondsPerRow;
  const postgresReadCores = load.readsPerS * f.pgCoreSecondsPerRead;
  const citusWorkers = up((postgresWriteCores + postgresReadCores) / (a.citusCoresPerNode * a.targetUtilization));
  const coordinatorCores = (postgresWriteCores + postgresReadCores) * a.citusCoordinatorShare;
  const publisherPods = publisherWritePods + publisherReadPods;
  const databaseConnections = (publisherPods + subscriberPods) * a.poolSizePerPod;

  const snsCallsPerS = load.writesPerS / Math.max(1, f.entriesPerPublishCall);
  const sqsInFlightSteady = load.writesPerS * f.heldSecondsPerMessage;
  const sqsInFlightWorst = subscriberPods * a.maxInFlightPerPod;

  const lambdaSecondsPerBatch = a.lambdaBatchSize / f.drainPerCore + a.lambdaFixedSeconds;
  const lambdaConcurrency = up((load.writesPerS / a.lambdaBatchSize) * lambdaSecondsPerBatch);

  const quotas: QuotaCheck[] = [
    ...Object.entries(a.snsPublishQuota).map(([region, limit]) => ({
      quota: `SNS Publish, messages/s (${region})`,
      need: load.writesPerS,
      limit,
      binds: load.writesPerS > limit,
    })),
    { quota: 'SQS in-flight messages per queue, steady', need: Math.round(sqsInFlightSteady), limit: a.sqsInFlightQuota, binds: sqsInFlightSteady > a.sqsInFlightQuota },
    {
      quota: 'SQS in-flight messages per queue, every subscriber full (MAX_IN_FLIGHT_MESSAGES)',
      need: sqsInFlightWorst,
      limit: a.sqsInFlightQuota,
      binds: sqsInFlightWorst > a.sqsInFlightQuota,
    },
    { quota: 'Lambda concurrent executions per account (Lambda path instead of pods)', need: lambdaConcurrency, limit: a.lambdaConcurrencyQuota, binds: lambdaConcurrency > a.lambdaConcurrencyQuota },
    {
      quota: 'Lambda event source maximum_concurrency (terraform default)',
      need: lambdaConcurrency,
      limit: a.lambdaMaximumConcurrency,
      binds: lambdaConcurrency > a.lambdaMaximumConcurrency,
    },
    {
      quota: `Citus coordinator cores at ${a.targetUtilization * 100}% (limit ${a.coordinatorCoresLimit} vCPU)`,
      need: Math.round((coordinatorCores / a.targetUtilization) * 10) / 10,
      limit: a.coordinatorCoresLimit,
      binds: coordinatorCores / a.targetUtilization > a.coordinatorCoresLimit,
    },
    {
      // A pool of N connections completes at most N ÷ round trip queries per second.
      quota: `GET per publisher pod within its pool (${a.poolSizePerPod} ÷ ${a.databaseRoundTripSeconds * 1000} ms)`,
      need: Math.round(load.readsPerS / publisherPods),
      limit: Math.round(a.poolSizePerPod / a.databaseRoundTripSeconds),
      binds: load.readsPerS / publisherPods > a.poolSizePerPod / a.databaseRoundTripSeconds,
    },
    {
      quota: 'Postgres connections on the coordinator (pods × pool)',
      need: databaseConnections,
      limit: a.citusMaxConnections,
      binds: databaseConnections > a.citusMaxConnections,
    },
    {
      quota: 'Postgres connections on the coordinator (Lambda × pool of 2)',
      need: lambdaConcurrency * a.lambdaPoolSize,
      limit: a.citusMaxConnections,
      binds: lambdaConcurrency * a.lambdaPoolSize > a.citusMaxConnections,
    },
  ];
  return {
    publisherWritePods,
    publisherReadPods,
    publisherPods,
    subscriberPods,
    pollers,
    pollersPerSubscriberPod,
    postgresWriteCores,
    postgresReadCores,
    citusWorkers,
    coordinatorCores,
    databaseConnections,
    snsCallsPerS,
    sqsInFlightSteady,
    sqsInFlightWorst,
    lambdaSecondsPerBatch,
    lambdaConcurrency,
    quotas,
  };
}
