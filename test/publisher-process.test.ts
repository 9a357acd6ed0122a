import { EMULATOR_CREDENTIALS, freePort, REGION, spawnService, waitReady, type ServiceProcess } from '@pubsub-ingest/local-stack';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { postJson } from './support/services';

/** The publisher as it runs in production: its own process, configured only by the environment. */
async function spawnPublisher(env: Record<string, string>): Promise<{ service: ServiceProcess; url: string }> {
  const port = await freePort();
  const service = spawnService('publisher', { ...EMULATOR_CREDENTIALS, AWS_REGION: REGION, PORT: String(port), LOG_LEVEL: 'info', AUTH_MODE: 'off', ...env });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/healthz`, { name: 'publisher', alive: () => service.child.exitCode === null }).catch((err: Error) => {
    throw new Error(`${err.message}: ${service.output()}`);
  });
  return { service, url };
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
    const { service, url } = await spawnPublisher(env());
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const inFlight = Array.from({ length: 50 }, (_, i) => postJson(`${url}/ingresar-datos`, { topic_arn: messaging.topicName, message: { i } }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const code = service.stop('SIGTERM');

    const responses = await Promise.allSettled(inFlight);
    expect(await code).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');
    // Requests already accepted are answered; none is answered with an error.
    const answered = responses.filter((r): r is PromiseFulfilledResult<Awaited<(typeof inFlight)[number]>> => r.status === 'fulfilled');
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((r) => r.value.status === 202)).toBe(true);
  });

  it('When the database is unreachable, then /readyz answers 503 naming it, while /healthz stays 200', async () => {
    const { service, url } = await spawnPublisher({ ...env(), DATABASE_URL: 'postgres://postgres:x@127.0.0.1:9/none', DATABASE_CONNECT_TIMEOUT_MS: '500' });
    try {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ database: expect.stringMatching(/^unavailable/), sns: 'ok' });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('When a required variable is missing, then it exits 1 naming the variable', async () => {
    const service = spawnService('publisher', { AWS_REGION: REGION });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('environment variable ALLOWED_TOPICS not found');
  });
});
