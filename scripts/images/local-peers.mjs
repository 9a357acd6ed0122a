// The peers of the containers: the local stack's real Postgres server and SNS/SQS emulator, each
// in its own process group on 127.0.0.1, plus an application role and database and the messaging
// topology. Containers reach them through slirp4netns' gateway to the host's loopback.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, provisionMessaging } from '@pubsub-ingest/local-stack';
import pg from 'pg';

/** The host's loopback as seen from a container on `slirp4netns:allow_host_loopback=true`. */
export const HOST_FROM_CONTAINER = '10.0.2.2';
export const CONTAINER_NETWORK = 'slirp4netns:allow_host_loopback=true';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `local-stack/dist/bin/server.js ...args` and resolves with its ready line and a stop(). */
function startServer(repo, args) {
  const child = spawn(process.execPath, [join(repo, 'local-stack', 'dist', 'bin', 'server.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start in 120 s: ${stderr}`)), 120_000);
    exited.then((code) => reject(new Error(`${args[0]} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const info = JSON.parse(line);
        if (info.ready) {
          clearTimeout(timer);
          resolve({ info, stop });
        }
      } catch {
        // Not the ready line.
      }
    });
  });
}

/**
 * Starts Postgres and the emulator, creates the role and database the charts expect
 * (`pubsub_ingest`, empty: the migration Job must create the schema) and the topic, queue and
 * subscription. Everything is stopped by `stop()`.
 */
export async function startPeers({ repo, dataDir }) {
  const started = [];
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  };
  try {
    const postgres = await startServer(repo, ['postgres', join(dataDir, 'postgres'), String(await freePort())]);
    started.push(postgres);
    const emulator = await startServer(repo, ['emulator', String(await freePort())]);
    started.push(emulator);

    const database = { name: 'pubsub_ingest', user: 'pubsub_ingest', password: randomBytes(18).toString('base64url') };
    const admin = new pg.Client({ connectionString: postgres.info.url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${database.user} LOGIN PASSWORD '${database.password}'`);
      await admin.query(`CREATE DATABASE ${database.name} OWNER ${database.user}`);
    } finally {
      await admin.end();
    }
    const appUrl = new URL(postgres.info.url);
    Object.assign(appUrl, { username: database.user, password: database.password, pathname: `/${database.name}` });

    const sns = new SNSClient(awsClientConfig(emulator.info.endpoint));
    const sqs = new SQSClient(awsClientConfig(emulator.info.endpoint));
    const messaging = await provisionMessaging(sns, sqs);
    sns.destroy();

    return {
      postgresPort: postgres.info.port,
      emulatorPort: emulator.info.port,
      emulatorEndpoint: emulator.info.endpoint,
      database: { ...database, url: appUrl.toString() },
      messaging,
      sqs,
      stop: async () => {
        sqs.destroy();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `url` with its host replaced by the host's address as seen from a container. */
export function fromContainer(url) {
  const u = new URL(url);
  u.hostname = HOST_FROM_CONTAINER;
  return u.toString().replace(/\/$/, '');
}
