import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { EMULATOR_CREDENTIALS, REGION } from '../local-stack/src/aws-client-config';
import { freePort } from './support/global-setup';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { postJson, waitFor } from './support/services';

/** The publisher as it runs in production: its own process, configured only by the environment. */
async function spawnPublisher(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, '..', 'publisher', 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...EMULATOR_CREDENTIALS, AWS_REGION: REGION, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the publisher to listen', async () => (child.exitCode === null ? (await fetch(`${url}/healthz`)).ok : Promise.reject(new Error(output))));
  return { child, url, output: () => output };
}

describe('publisher process', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;

  beforeAll(async () => {
    database = await createTestDatabase();
    messaging = await createTestMessaging();
  });
  afterAll(async () => {
    messaging?.destroy();
    await database?.drop();
  });

  const env = () => ({
    AWS_ENDPOINT_URL: messaging.endpoint,
    DATABASE_URL: database.url,
    ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}`,
  });

  it('When it gets SIGTERM with requests in flight, then they complete, and it exits 0', async () => {
    const { child, url, output } = await spawnPublisher(env());
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const inFlight = Array.from({ length: 50 }, (_, i) => postJson(`${url}/ingresar-datos`, { topic_arn: messaging.topicName, message: { i } }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    const responses = await Promise.allSettled(inFlight);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain('"msg":"stopped"');
    // Requests already accepted are answered; none is answered with an error.
    const answered = responses.filter((r): r is PromiseFulfilledResult<Awaited<(typeof inFlight)[number]>> => r.status === 'fulfilled');
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((r) => r.value.status === 202)).toBe(true);
  });

  it('When the database is unreachable, then /readyz answers 503 naming it, while /healthz stays 200', async () => {
    const { child, url } = await spawnPublisher({ ...env(), DATABASE_URL: 'postgres://postgres:x@127.0.0.1:9/none', DATABASE_CONNECT_TIMEOUT_MS: '500' });
    try {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ database: expect.stringMatching(/^unavailable/), sns: 'ok' });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('When a required variable is missing, then it exits 1 naming the variable', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'publisher', 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', AWS_REGION: REGION },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('environment variable ALLOWED_TOPICS not found');
  });
});
