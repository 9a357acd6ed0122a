import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitReady } from '@pubsub-ingest/local-stack';
import type { Stack } from '../bench-stack';
import { startProgram, type RunningProcess } from '../processes';
import { every, progress } from '../progress';

export const BENTHOS_VERSION = 'v4.27.0';
const BUILD_SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'build-benthos.sh');
const BUILD_TIMEOUT_MS = Number(process.env.BENCH_BENTHOS_BUILD_TIMEOUT_MIN ?? 45) * 60_000;

export function benthosBinary(): string {
  const cache = process.env.PUBSUB_INGEST_CACHE ?? join(homedir(), '.cache', 'pubsub-ingest');
  return join(cache, 'tools', `benthos-${BENTHOS_VERSION}`, 'benthos');
}

export type BenthosAvailability = { binary: string } | { unavailable: string };

/**
 * The Benthos binary, built once from the Go module proxy into the cache. Quick mode never builds
 * it (a cold build takes many minutes); a full run builds it when Go is installed.
 */
export async function ensureBenthos(allowBuild: boolean): Promise<BenthosAvailability> {
  const binary = benthosBinary();
  if (existsSync(binary)) return { binary };
  if (!allowBuild) {
    return { unavailable: `Benthos ${BENTHOS_VERSION} is not built here (quick mode never builds it; bash bench/scripts/build-benthos.sh or a full run does)` };
  }
  if (spawnSync('go', ['version']).status !== 0) return { unavailable: `Go is not installed, so Benthos ${BENTHOS_VERSION} cannot be built from the module proxy` };

  progress.step(`building Benthos ${BENTHOS_VERSION} from the Go module proxy (once; many minutes on a cold cache)`);
  const started = Date.now();
  let last = '';
  const build = startProgram('benthos build', 'bash', [BUILD_SCRIPT], process.env as Record<string, string>, (line) => (last = line));
  const stopTicking = every(20_000, () => progress.tick(`building Benthos: ${Math.round((Date.now() - started) / 1000)} s — ${last}`));
  const timer = setTimeout(() => void build.stop(5_000), BUILD_TIMEOUT_MS);
  const code = build.exited() ? build.child.exitCode : ((await once(build.child, 'exit')) as [number | null])[0];
  clearTimeout(timer);
  await build.stop();
  stopTicking();
  if (code === 0 && existsSync(binary)) {
    progress.done(`built Benthos ${BENTHOS_VERSION} in ${Math.round((Date.now() - started) / 1000)} s`);
    return { binary };
  }
  const why = code === null ? `did not finish within ${BUILD_TIMEOUT_MS / 60_000} min` : `failed (exit ${code}): ${last}`;
  return { unavailable: `building Benthos ${BENTHOS_VERSION} ${why}` };
}

/**
 * The drain peer, in Benthos' documented form: `aws_sqs` input (long polls, deletes on ack) fanned
 * out with `broker.copies` to the subscriber's number of pollers, into `sql_insert` with a batching
 * policy (one multi-row INSERT per batch) and ON CONFLICT DO NOTHING, the same table and rows.
 * Messages of the bench are JSON objects, so the body goes into the jsonb column as it is.
 */
export function drainConfig(stack: Stack, options: { pollers: number; poolSize: number }): string {
  const dsn = `${stack.postgresUrl}?sslmode=disable`;
  return `input:
  broker:
    copies: ${options.pollers}
    inputs:
      - aws_sqs:
          url: ${JSON.stringify(stack.messaging.queueUrl)}
          endpoint: ${JSON.stringify(stack.endpoint)}
          region: ${JSON.stringify(stack.serviceEnv.AWS_REGION)}
          wait_time_seconds: 20
          max_number_of_messages: 10
          credentials:
            id: ${JSON.stringify(stack.serviceEnv.AWS_ACCESS_KEY_ID)}
            secret: ${JSON.stringify(stack.serviceEnv.AWS_SECRET_ACCESS_KEY)}
output:
  sql_insert:
    driver: postgres
    dsn: ${JSON.stringify(dsn)}
    table: records
    columns: [transaction_id, topic, message, content_type, attributes, schema_version, published_at]
    args_mapping: |
      root = [
        meta("ingest.transaction_id"),
        meta("ingest.topic"),
        content().string(),
        meta("ingest.content_type"),
        @.filter(kv -> !kv.key.has_prefix("ingest.") && !kv.key.has_prefix("sqs_")).format_json(no_indent: true).string(),
        meta("ingest.schema_version").number(),
        meta("ingest.published_at"),
      ]
    suffix: ON CONFLICT (transaction_id) DO NOTHING
    max_in_flight: ${options.poolSize}
    conn_max_open: ${options.poolSize}
    conn_max_idle: ${options.poolSize}
    batching:
      count: 500
      period: 20ms
`;
}

export interface BenthosProcess {
  process: RunningProcess;
  /** Benthos' own HTTP server: /ready, /metrics, and the `http_server` input's path. */
  url: string;
  /** Receives that failed after SQS had handed out their messages (they return after the visibility timeout). */
  receiveErrors(): number;
  stop(): Promise<void>;
}

/**
 * The publish peer: `http_server` on Benthos' own HTTP server (which answers a POST only once the
 * output has acknowledged its message, 502 when it failed), a mapping that turns the publisher's
 * request body into the message it publishes — the body is `message`, the metadata becomes the
 * contract's message attributes and the producer's — and `aws_sns`, which sends one Publish per
 * message (it has no batching) with `maxInFlight` calls at a time. The answer is the publisher's:
 * 202 with the transaction id (a `sync_response` of a branch, so the published body stays).
 */
export function publishConfig(stack: Stack, options: { path: string; topicArn: string; maxInFlight: number }): string {
  return `input:
  http_server:
    path: ${JSON.stringify(options.path)}
    allowed_verbs: [POST]
    timeout: 10s
    sync_response:
      status: "202"
      headers:
        Content-Type: application/json
pipeline:
  processors:
    - mapping: |
        meta = this.attributes
        meta "ingest.transaction_id" = uuid_v4()
        meta "ingest.content_type" = "application/json"
        meta "ingest.published_at" = now().ts_format("2006-01-02T15:04:05.000Z07:00", "UTC")
        meta "ingest.schema_version" = "1"
        meta "ingest.topic" = this.topic_arn
        root = this.message
    - branch:
        request_map: 'root = {"status": "OK", "transaction_id": meta("ingest.transaction_id")}'
        processors:
          - sync_response: {}
output:
  aws_sns:
    topic_arn: ${JSON.stringify(options.topicArn)}
    endpoint: ${JSON.stringify(stack.endpoint)}
    region: ${JSON.stringify(stack.serviceEnv.AWS_REGION)}
    max_in_flight: ${options.maxInFlight}
    credentials:
      id: ${JSON.stringify(stack.serviceEnv.AWS_ACCESS_KEY_ID)}
      secret: ${JSON.stringify(stack.serviceEnv.AWS_SECRET_ACCESS_KEY)}
`;
}

/** Starts Benthos with a pipeline (input, pipeline, output), its HTTP server on a free port of 127.0.0.1. */
export async function startBenthos(binary: string, stack: Stack, pipeline: string): Promise<BenthosProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'pubsub-ingest-benthos-'));
  const httpPort = await freePort();
  const configPath = join(dir, 'benthos.yaml');
  await writeFile(configPath, `http:\n  address: 127.0.0.1:${httpPort}\nlogger:\n  level: WARN\n  format: logfmt\n${pipeline}`);
  let receiveErrors = 0;
  // Benthos logs on stdout: its warnings and errors are shown, and failed receives counted.
  // HOME is its own directory: some of its drivers write caches there, removed with it.
  const running = startProgram('benthos', binary, ['-c', configPath], { ...stack.serviceEnv, HOME: dir }, (line) => {
    if (!/level=(warn|error)/.test(line)) return;
    if (line.includes('Failed to pull new SQS messages')) receiveErrors++;
    // A load run that ends closes its connections, which cancels the calls their requests made.
    if (line.includes('context canceled')) return;
    process.stderr.write(`    [benthos] ${line}\n`);
  });
  const stop = async () => {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(`http://127.0.0.1:${httpPort}/ready`, { name: 'benthos', alive: () => !running.exited() });
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${running.recentOutput()}`);
  }
  return { process: running, url: `http://127.0.0.1:${httpPort}`, receiveErrors: () => receiveErrors, stop };
}
