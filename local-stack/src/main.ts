import { resolve } from 'node:path';
import { ConfigError } from '@pubsub-ingest/common';
import { loadLocalStackConfig } from './config';
import { startLocalStack } from './local-stack';
import { waitReady } from './net';
import { spawnService, type ServiceProcess } from './service-process';

/**
 * `npm start`: the whole pipeline on this machine. Postgres and the SNS/SQS emulator listen on
 * 127.0.0.1; the publisher and the subscriber run as the same programs that run in production,
 * pointed at them through ordinary configuration.
 */
const color = process.stdout.isTTY ? (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m` : (_: number, text: string) => text;
const say = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const config = loadLocalStackConfig();
  const dataDir = resolve(config.LOCAL_DATA_DIR);
  say(color(1, 'pubsub-ingest local stack'));
  const stack = await startLocalStack({
    dataDir,
    postgresPort: config.LOCAL_POSTGRES_PORT,
    emulatorPort: config.LOCAL_EMULATOR_PORT,
    emulator: config.LOCAL_EMULATOR,
    progress: (stepName, done) => say(done ? `  ${color(32, '✔')} ${stepName} (${done.ms} ms)` : `  … ${stepName}`),
  });

  const services: ServiceProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      say('\nStopping services, emulator and Postgres …');
      await Promise.all(services.map((s) => s.stop()));
      await stack.stop();
      say('Stopped.');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const prefixed = (name: string, code: number) => (line: string) => say(`${color(code, `[${name}]`)} ${line}`);
  services.push(
    spawnService('publisher', { ...stack.serviceEnv, HOST: config.HOST, PORT: String(config.PORT) }, prefixed('publisher', 36)),
    spawnService('subscriber', { ...stack.serviceEnv, HEALTH_HOST: '127.0.0.1', HEALTH_PORT: String(config.LOCAL_SUBSCRIBER_HEALTH_PORT) }, prefixed('subscriber', 35)),
  );
  for (const service of services) {
    service.child.on('exit', (code, signal) => {
      if (!stopping) {
        say(color(31, `${service.name} exited unexpectedly (${signal ?? `code ${code}`})`));
        void stopAll(1);
      }
    });
  }

  const base = `http://${config.HOST}:${config.PORT}`;
  const subscriberHealth = `http://127.0.0.1:${config.LOCAL_SUBSCRIBER_HEALTH_PORT}`;
  say('  … Starting publisher and subscriber');
  try {
    const [publisher, subscriber] = services as [ServiceProcess, ServiceProcess];
    await Promise.all([
      waitReady(`${base}/readyz`, { name: 'publisher', alive: () => publisher.child.exitCode === null }),
      waitReady(`${subscriberHealth}/readyz`, { name: 'subscriber', alive: () => subscriber.child.exitCode === null }),
    ]);
  } catch (err) {
    say(color(31, (err as Error).message));
    return stopAll(1);
  }
  say(`  ${color(32, '✔')} Publisher and subscriber are ready\n`);
  say(`Publisher API   ${color(1, base)}   (OpenAPI: ${base}/openapi.json, metrics: ${base}/metrics)`);
  say(`Subscriber      ${subscriberHealth}/metrics`);
  say(`Postgres        ${stack.postgres.info.url.replace(/:[^:@/]+@/, ':***@')}   (data in ${dataDir})`);
  say(`SNS/SQS         ${stack.emulator.info.endpoint}   queue ${stack.messaging?.queueUrl}\n`);
  say('Try it:');
  say(`  curl -si ${base}/ingresar-datos -H 'Content-Type: application/json' \\`);
  say(`    -d '{"topic_arn": "data-ingestion-topic", "message": {"hello": "world"}}'`);
  say(`  curl -s ${base}/data/<transaction_id from the answer>\n`);
  say('Dead letters:   npm run dlq -- list');
  say('Press Ctrl-C to stop.');
}

main().catch((err: unknown) => {
  console.error(color(31, `local stack failed: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}`));
  process.exit(1);
});
