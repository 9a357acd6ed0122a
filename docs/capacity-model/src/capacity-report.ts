import type { BenchResults } from './bench-results';
import { ASSUMPTIONS, type Assumptions } from './assumptions';
import { capacityPlan, type CapacityPlan } from './plan';
import { pacedFigures, perPodFigures, type PerPodFigures } from './per-pod-figures';
import { simulateQuota, simulateTier, type TierSpec } from './simulate';

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n2 = (x: number) => (Math.abs(x) >= 100 ? n0(x) : x.toFixed(2));

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Each tier at the planned size, and smaller until it saturates, so the plan's margin is visible. */
function tierSweeps(f: PerPodFigures, plan: CapacityPlan, a: Assumptions): TierSpec[][] {
  const postgresRate = a.writesPerS + a.readsPerS;
  const postgresService = (a.writesPerS * f.pgCoreSecondsPerRow + a.readsPerS * f.pgCoreSecondsPerRead) / postgresRate;
  const tiers: TierSpec[] = [
    { name: 'publisher pods, POST', servers: plan.publisherWritePods, serviceSeconds: 1 / f.publishPerCore, ratePerS: a.writesPerS },
    { name: 'publisher pods, GET', servers: plan.publisherReadPods, serviceSeconds: 1 / f.readPerCore, ratePerS: a.readsPerS },
    { name: 'subscriber pods', servers: plan.subscriberPods, serviceSeconds: 1 / f.drainPerCore, ratePerS: a.writesPerS },
    { name: 'Citus worker cores', servers: plan.citusWorkers * a.citusCoresPerNode, serviceSeconds: postgresService, ratePerS: postgresRate },
  ];
  return tiers.map((tier) => {
    const work = tier.ratePerS * tier.serviceSeconds;
    // The plan, a size near 85% busy, and the largest size that cannot keep up (more than 100% busy).
    const overloaded = Math.ceil(work) - 1;
    const sizes = [...new Set([tier.servers, Math.ceil(work / 0.85), ...(overloaded >= 1 ? [overloaded] : [])])].sort((x, y) => y - x);
    return sizes.map((servers) => ({ ...tier, servers }));
  });
}

/**
 * docs/capacity.md's figures: the plan for 10k writes/s and 100k reads/s from this run's per-core
 * figures, a simulation of every tier at that size and smaller, the quotas, and the model checked
 * against the e2e run (a second operating point the figures were not taken from).
 */
export function capacityReport(results: BenchResults, options: { simulateSeconds: number } = { simulateSeconds: 20 }): string {
  const a = ASSUMPTIONS;
  const f = perPodFigures(results);
  const plan = capacityPlan(f, a);
  const lines: string[] = [`# Capacity model (${results.machine.mode} run of ${String(results.machine.date).slice(0, 10)})`, ''];

  lines.push(
    '## Per-core figures from the run',
    '',
    table(
      ['figure', 'value', 'from'],
      [
        ['POST per publisher core', `${n0(f.publishPerCore)}/s`, 'publish, ours, c64: req/s ÷ cores'],
        ['GET per publisher core', `${n0(f.readPerCore)}/s`, 'read, ours, max: req/s ÷ cores'],
        ['messages per subscriber core', `${n0(f.drainPerCore)}/s`, 'drain, ours: msg/s ÷ cores'],
        ['Postgres CPU per stored row', `${(f.pgCoreSecondsPerRow * 1e6).toFixed(0)} µs`, 'drain, ours: Postgres cores ÷ msg/s'],
        ['Postgres CPU per GET', `${(f.pgCoreSecondsPerRead * 1e6).toFixed(0)} µs`, 'read, ours: Postgres cores ÷ req/s'],
        ['time a message is held by the subscriber', `${(f.heldSecondsPerMessage * 1000).toFixed(0)} ms`, "e2e: in flight ÷ rate (Little's law)"],
        ['entries per PublishBatch', n2(f.entriesPerPublishCall), `e2e at ${n0(f.e2e.msgsPerS)}/s on one pod`],
        ['peak RSS publisher / subscriber', `${n0(f.publisherRssMiB)} / ${n0(f.subscriberRssMiB)} MiB`, 'memory'],
      ],
    ),
    '',
  );

  const paced = capacityPlan(pacedFigures(f), a);
  const row = (what: string, full: string | number, slow: string | number, how: string) => [what, full, slow, how];
  lines.push(
    `## Plan for ${n0(a.writesPerS)} writes/s and ${n0(a.readsPerS)} reads/s`,
    '',
    `Every tier sized for ${a.targetUtilization * 100}% of ${a.coresPerPod} core per pod (the HPA target). "Full speed" uses the`,
    'cost per message of the full-speed runs; "paced" the higher cost the e2e run showed (see the check below).',
    '',
    table(
      ['what', 'full speed', 'paced', 'how'],
      [
        row('publisher pods for POST', plan.publisherWritePods, paced.publisherWritePods, `${n0(a.writesPerS)} ÷ (POST per core × ${a.targetUtilization})`),
        row('publisher pods for GET', plan.publisherReadPods, paced.publisherReadPods, `${n0(a.readsPerS)} ÷ (GET per core × ${a.targetUtilization})`),
        row('publisher pods in all', plan.publisherPods, paced.publisherPods, 'one Deployment serves both'),
        row('subscriber pods', plan.subscriberPods, paced.subscriberPods, `${n0(a.writesPerS)} ÷ (messages per core × ${a.targetUtilization})`),
        row('SQS pollers in all', plan.pollers, paced.pollers, `${n0(a.writesPerS)} ÷ (${a.sqsMaxMessagesPerReceive} per ${a.sqsReceiveSeconds * 1000} ms receive × ${a.targetUtilization})`),
        row('POLLERS per subscriber pod', plan.pollersPerSubscriberPod, paced.pollersPerSubscriberPod, `at least the default ${a.pollersPerPod}`),
        row('Postgres cores for writes / reads', `${n2(plan.postgresWriteCores)} / ${n2(plan.postgresReadCores)}`, `${n2(paced.postgresWriteCores)} / ${n2(paced.postgresReadCores)}`, 'rate × CPU per operation'),
        row('Citus workers', plan.citusWorkers, paced.citusWorkers, `cores ÷ (${a.citusCoresPerNode} vCPU × ${a.targetUtilization})`),
        row('coordinator cores', n2(plan.coordinatorCores), n2(paced.coordinatorCores), `${a.citusCoordinatorShare}× the workers' work (estimate)`),
        row('database connections', plan.databaseConnections, paced.databaseConnections, `(publisher + subscriber pods) × ${a.poolSizePerPod}`),
        row('SNS API calls/s', n0(plan.snsCallsPerS), n0(paced.snsCallsPerS), `${n0(a.writesPerS)} ÷ ${n2(f.entriesPerPublishCall)} entries per PublishBatch`),
        row('Lambda concurrency (alternative path)', plan.lambdaConcurrency, paced.lambdaConcurrency, `${n0(a.writesPerS / a.lambdaBatchSize)} batches/s × seconds per batch`),
      ],
    ),
    '',
    '## Quotas',
    '',
    table(
      ['quota', 'needed', 'limit', 'binds'],
      paced.quotas.map((q) => [q.quota, q.need < 100 ? String(q.need) : n0(q.need), n0(q.limit), q.binds ? '**yes**' : 'no']),
    ),
    '',
  );

  lines.push(
    `## Simulation (${options.simulateSeconds} s of Poisson arrivals per tier)`,
    '',
    'Each pod is one single-threaded server, each Citus worker core one server; requests go to a random one.',
    'Time is CPU queueing plus CPU work per operation (I/O waits cost no CPU and are left out).',
    '',
    table(
      ['tier', 'servers', 'utilization', 'p50 ms', 'p99 ms', 'backlog growth'],
      tierSweeps(pacedFigures(f), paced, a)
        .flat()
        .map((spec, i) => {
          const r = simulateTier(spec, options.simulateSeconds, i + 1);
          return [r.name, r.servers, `${(r.utilization * 100).toFixed(0)}%`, r.p50Ms.toFixed(2), r.p99Ms.toFixed(1), r.growth > 2 ? `**${r.growth.toFixed(1)}×**` : `${r.growth.toFixed(1)}×`];
        }),
    ),
    '',
    table(
      ['SNS Publish quota', `refused at ${n0(a.writesPerS)} msg/s`],
      Object.entries(a.snsPublishQuota).map(([region, quota]) => [`${n0(quota)}/s (${region})`, `${(simulateQuota(a.writesPerS, quota, options.simulateSeconds) * 100).toFixed(1)}%`]),
    ),
    '',
  );

  const predicted = {
    publisher: f.e2e.msgsPerS / f.publishPerCore,
    subscriber: f.e2e.msgsPerS / f.drainPerCore,
    postgres: f.e2e.msgsPerS * f.pgCoreSecondsPerRow,
  };
  lines.push(
    `## Check against a run at another rate (e2e, ${n0(f.e2e.msgsPerS)} msg/s)`,
    '',
    'The per-core figures come from runs at full speed; the e2e run is paced. If cost per message were',
    'constant, the cores it used would match the prediction. Measured above predicted means a',
    'process does more work per message at this rate (fuller batches at full speed).',
    '',
    table(
      ['process', 'predicted cores', 'measured cores', 'measured ÷ predicted'],
      [
        ['publisher', n2(predicted.publisher), n2(f.e2e.publisherCores), n2(f.e2e.publisherCores / predicted.publisher)],
        ['subscriber', n2(predicted.subscriber), n2(f.e2e.subscriberCores), n2(f.e2e.subscriberCores / predicted.subscriber)],
        ['Postgres', n2(predicted.postgres), n2(f.e2e.postgresCores), n2(f.e2e.postgresCores / predicted.postgres)],
      ],
    ),
    '',
  );
  return lines.join('\n');
}
