import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, EMULATORS, startLocalStack, type EmulatorKind } from '@pubsub-ingest/local-stack';
import { Pool } from 'pg';
import { audit, type AuditReport } from './audit';
import { Cluster } from './cluster';
import { startFaultProxy } from './fault-proxy';
import { runLoad } from './load';

const USAGE = `usage: npm run chaos -- [--quick] [--messages N] [--rate N] [--max-seconds N] [--emulator fauxqs|moto] [--report FILE]

Ordinary and hostile messages (a tenth of them invalid), a third with Idempotency-Key, while
subscribers are SIGKILLed every few seconds, Postgres and the publisher are SIGKILLed and restarted,
and a proxy in front of the SNS/SQS emulator throttles and fails calls. At the end every answer is
compared with the records table; the run fails unless nothing was lost, duplicated or altered.`;

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(0).padStart(4)} s`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      messages: { type: 'string' },
      rate: { type: 'string' },
      'max-seconds': { type: 'string' },
      emulator: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const emulator = (values.emulator ?? 'fauxqs') as EmulatorKind;
  if (!EMULATORS.includes(emulator)) {
    console.error(USAGE);
    return 2;
  }
  const messages = Number(values.messages ?? (values.quick ? 4_000 : 100_000));
  const rate = Number(values.rate ?? (values.quick ? 250 : 500));
  const seconds = Math.ceil(messages / rate);
  // Faults slow the producers down (they wait out every 503); the load still ends by this time.
  const maxSeconds = Number(values['max-seconds'] ?? seconds * 8);
  const started = Date.now();
  const say = (line: string) => console.log(`${elapsed(started)}  ${line}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'pubsub-ingest-chaos-'));
  chmodSync(dataDir, 0o755);
  say(`chaos: ${messages} messages at ${rate}/s (about ${seconds} s), emulator ${emulator}`);
  // Every service runs in its own process group, so an interrupted run must stop them itself.
  const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const teardown = onceOnly(async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  });
  const interrupted = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping the services`);
    void teardown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const stack = await startLocalStack({
    dataDir,
    emulator,
    ...(process.env.MOTO_SERVER ? { motoServer: process.env.MOTO_SERVER } : {}),
    // More receives before the DLQ than production's 5: here subscribers die every few seconds.
    provision: { topic: 'chaos-topic', queue: 'chaos-queue', deadLetterQueue: 'chaos-dlq', maxReceiveCount: 10, visibilityTimeoutSeconds: 5 },
  });
  cleanups.push(() => stack.stop());
  const proxy = await startFaultProxy(stack.emulator.info.endpoint, { before: 0.02, after: 0.01 });
  cleanups.push(() => proxy.stop());
  const cluster = await Cluster.start({ dataDir, postgres: stack.postgres, serviceEnv: { ...stack.serviceEnv, AWS_ENDPOINT_URL: proxy.endpoint }, subscribers: 2, log: say });
  cleanups.push(() => cluster.currentPostgres.stop(), () => cluster.stop());
  const sqs = new SQSClient(awsClientConfig(stack.emulator.info.endpoint));
  const pool = new Pool({ connectionString: stack.postgres.info.url, max: 2 });
  pool.on('error', () => undefined);
  cleanups.push(() => pool.end(), () => sqs.destroy());
  let report: AuditReport | undefined;
  let dlq = 0;
  try {
    say('stack and services up; load starts, faults start');
    let sent = 0;
    const load = runLoad({ url: cluster.url, topic: 'chaos-topic', messages, rate, producers: 32, maxSeconds, onProgress: (n) => (sent = n) });
    let loading = true;
    void load.finally(() => (loading = false));

    // A fixed budget of kills: for twice the planned load time. Were they to last as long as the
    // load, a slow emulator would stretch the load and the kills with it, until messages reach the
    // dead-letter queue by the kills' count alone (moto, whose every call slows as its queue grows).
    const faultsUntil = Date.now() + seconds * 2 * 1000;
    const faults = (async () => {
      let tick = 0;
      while (loading) {
        await sleep(3_000);
        if (!loading) break;
        if (Date.now() > faultsUntil) {
          say(`faults stop after ${seconds * 2} s, twice the planned load time; the load goes on without them`);
          break;
        }
        tick++;
        await cluster.killSubscriber(tick % 2);
        if (tick % 8 === 3) await cluster.killPostgres(2_000);
        if (tick % 8 === 6) await cluster.killPublisher();
        say(`sent ${sent}/${messages}; kills so far: subscriber ${cluster.kills.subscriber}, postgres ${cluster.kills.postgres}, publisher ${cluster.kills.publisher}; injected errors ${proxy.counts.failedBefore} before, ${proxy.counts.failedAfter} after`);
      }
    })();
    const outcomes = await load;
    await faults;

    say('load done; faults stop; waiting for the queue to drain');
    proxy.setRates({ before: 0, after: 0 });
    await drain(sqs, stack.messaging!.queueUrl, pool, say);
    dlq = await depth(sqs, stack.messaging!.deadLetterQueueUrl);
    report = await audit(pool, outcomes);
  } finally {
    await teardown();
  }

  const line = `lost ${report.lost}, duplicated ${report.duplicated}, altered ${report.altered}, dlq ${dlq}`;
  const details = [
    `${report.messages} messages (${report.batched} of them as items of batches): ${report.accepted} accepted (202), ${report.refusedAsRequired} refused as the contract requires`,
    `${report.failedAttempts} attempts failed (503 or connection) and were retried; ${report.retriedTwice} stored twice after such a retry without a key (at-least-once, documented); ${report.gaveUp} gave up`,
    `contract at the door: ${report.refusedValid} valid refused, ${report.acceptedInvalid} invalid accepted, ${report.keyReuseAccepted} reused keys accepted, ${report.storedAfterRefusal} stored after a refusal`,
    `faults: ${cluster.kills.subscriber} subscriber, ${cluster.kills.postgres} postgres and ${cluster.kills.publisher} publisher SIGKILLs; ${proxy.counts.failedBefore} SNS/SQS calls failed before and ${proxy.counts.failedAfter} after reaching the emulator`,
  ];
  console.log(`\n${details.join('\n')}\n${report.examples.map((e) => `  ${e}`).join('\n')}\n\n${line}`);
  if (values.report) writeFileSync(values.report, `${JSON.stringify({ line, dlq, ...report, kills: cluster.kills, injected: proxy.counts, emulator, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`);
  const breaches = report.refusedValid + report.acceptedInvalid + report.keyReuseAccepted + report.storedAfterRefusal;
  return report.lost + report.duplicated + report.altered + breaches === 0 && report.gaveUp === 0 ? 0 : 1;
}

function onceOnly(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}

async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Waits until the queue is empty and the table has stopped growing. */
async function drain(sqs: SQSClient, queueUrl: string, pool: Pool, say: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = -1;
  let steady = 0;
  while (Date.now() < deadline) {
    const [waiting, stored] = await Promise.all([depth(sqs, queueUrl), pool.query<{ n: number }>('select count(*)::int as n from records').then((r) => r.rows[0]!.n)]);
    steady = waiting === 0 && stored === last ? steady + 1 : 0;
    if (steady >= 3) return;
    last = stored;
    await sleep(1_000);
  }
  say('the queue did not drain within 180 s; auditing what is there');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
