/**
 * What the capacity model takes from outside the benchmark: the load to serve, the deployment
 * (each chart's values-production.yaml) and AWS's default quotas. Change them here, not in the model.
 */
export const ASSUMPTIONS = {
  writesPerS: 10_000,
  readsPerS: 100_000,
  /** A Node.js process runs its JavaScript on one core, whatever its CPU limit. */
  coresPerPod: 1,
  /** The publisher's HPA target (targetCPUUtilizationPercentage: 65); used for every tier. */
  targetUtilization: 0.65,
  /** Receive round trip on AWS when messages are waiting (not measurable against the emulator). */
  sqsReceiveSeconds: 0.02,
  sqsMaxMessagesPerReceive: 10,
  /** Postgres round trip from a pod in the same Region (a lookup's wall time, not its CPU). */
  databaseRoundTripSeconds: 0.001,
  /** The subscriber's default POLLERS, DATABASE_POOL_SIZE and MAX_IN_FLIGHT_MESSAGES. */
  pollersPerPod: 4,
  poolSizePerPod: 8,
  maxInFlightPerPod: 2_000,
  /** Citus nodes of values-production.yaml: 4 vCPU each, max_connections 500. */
  citusCoresPerNode: 4,
  citusMaxConnections: 500,
  /** The coordinator's CPU limit in values-production.yaml. */
  coordinatorCoresLimit: 4,
  /**
   * A router query or a routed multi-row INSERT costs the coordinator about as much again as the
   * worker that runs it (plan, forward, collect). An estimate; querying workers directly halves it.
   */
  citusCoordinatorShare: 1,
  /** SNS Publish quota, messages per second, by Region (defaults; an account may have more). */
  snsPublishQuota: { 'us-east-1': 30_000, 'us-west-2': 9_000, 'eu-west-1': 9_000, 'other Regions': 1_500 } as Record<string, number>,
  /** In-flight messages per standard SQS queue. */
  sqsInFlightQuota: 120_000,
  /** Concurrent Lambda executions per account and Region (default). */
  lambdaConcurrencyQuota: 1_000,
  /** The event source's maximum_concurrency default in terraform/modules/lambda-subscriber. */
  lambdaMaximumConcurrency: 5,
  lambdaBatchSize: 10,
  /** Lambda's database pool (DATABASE_POOL_SIZE default for Lambda). */
  lambdaPoolSize: 2,
  /** Commit plus round trips of one Lambda invocation beyond its CPU work. */
  lambdaFixedSeconds: 0.015,
};

export type Assumptions = typeof ASSUMPTIONS;
