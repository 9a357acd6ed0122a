import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalStack } from './local-stack';

/**
 * `npm start`: the whole pipeline on this machine. Postgres and the SNS/SQS emulator listen on
 * 127.0.0.1; the publisher and the subscriber run as the same programs that run in production,
 * pointed at them through ordinary configuration.
 */
const ROOT = resolve(__dirname, '..', '..');
const env = process.env;
const PORT = Number(env.PORT ?? 3000);
const HOST = env.HOST ?? '127.0.0.1';
const POSTGRES_PORT = Number(env.LOCAL_POSTGRES_PORT ?? 54329);
const EMULATOR_PORT = Number(env.LOCAL_EMULATOR_PORT ?? 4566);
const SUBSCRIBER_HEALTH_PORT = Number(env.LOCAL_SUBSCRIBER_HEALTH_PORT ?? 8081);
const DATA_DIR = resolve(env.LOCAL_DATA_DIR ?? join(ROOT, '.local'));

const color = process.stdout.isTTY ? (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m` : (_: number, text: string) => text;
const say = (text: string) => process.stdout.write(`${text}\n`);

function startService(name: string, script: string, serviceEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, script)], {
    env: { ...process.env, ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only this supervisor, which stops the services in order.
    detached: true,
  });
  const prefix = color(name === 'publisher' ? 36 : 35, `[${name}]`);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => say(`${prefix} ${line}`));
  }
  return child;
}

async function waitReady(name: string, url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  say(color(1, 'pubsub-ingest local stack'));
  const stack = await startLocalStack({
    dataDir: DATA_DIR,
    postgresPort: POSTGRES_PORT,
    emulatorPort: EMULATOR_PORT,
    progress: (stepName, done) => say(done ? `  ${color(32, '✔')} ${stepName} (${done.ms} ms)` : `  … ${stepName}`),
  });

  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      say('\nStopping services, emulator and Postgres …');
      await Promise.all(
        children.map(async ({ child }) => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            await once(child, 'exit');
          }
        }),
      );
      await stack.stop();
      say('Stopped.');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const publisher = startService('publisher', 'publisher/dist/main.js', { ...stack.serviceEnv, HOST, PORT: String(PORT) });
  const subscriber = startService('subscriber', 'subscriber/dist/main.js', {
    ...stack.serviceEnv,
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: String(SUBSCRIBER_HEALTH_PORT),
  });
  children.push({ name: 'publisher', child: publisher }, { name: 'subscriber', child: subscriber });
  for (const { name, child } of children) {
    child.on('exit', (code, signal) => {
      if (!stopping) {
        say(color(31, `${name} exited unexpectedly (${signal ?? `code ${code}`})`));
        void stopAll(1);
      }
    });
  }

  say('  … Starting publisher and subscriber');
  try {
    await Promise.all([
      waitReady('publisher', `http://${HOST}:${PORT}/readyz`, publisher),
      waitReady('subscriber', `http://127.0.0.1:${SUBSCRIBER_HEALTH_PORT}/readyz`, subscriber),
    ]);
  } catch (err) {
    say(color(31, (err as Error).message));
    return stopAll(1);
  }
  const base = `http://${HOST}:${PORT}`;
  say(`  ${color(32, '✔')} Publisher and subscriber are ready\n`);
  say(`Publisher API   ${color(1, base)}   (OpenAPI: ${base}/openapi.json, metrics: ${base}/metrics)`);
  say(`Subscriber      http://127.0.0.1:${SUBSCRIBER_HEALTH_PORT}/metrics`);
  say(`Postgres        ${stack.postgres.url.replace(/:[^:@/]+@/, ':***@')}   (data in ${DATA_DIR})`);
  say(`SNS/SQS         ${stack.emulator.endpoint}   queue ${stack.messaging.queueUrl}\n`);
  say('Try it:');
  say(`  curl -si ${base}/ingresar-datos -H 'Content-Type: application/json' \\`);
  say(`    -d '{"topic_arn": "data-ingestion-topic", "message": {"hello": "world"}}'`);
  say(`  curl -s ${base}/data/<transaction_id from the answer>\n`);
  say('Press Ctrl-C to stop.');
}

main().catch((err: unknown) => {
  console.error(color(31, `local stack failed: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(1);
});
