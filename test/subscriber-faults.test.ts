import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { spawnServer, type ChildServer } from '../local-stack/src/child-server';
import { EMULATOR_CREDENTIALS, REGION } from '../local-stack/src/aws-client-config';
import { freePort } from './support/global-setup';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { startConsumer, waitFor } from './support/services';
import { stackEnv } from './support/stack-env';

const ROOT = join(__dirname, '..');

describe('subscriber under faults: nothing acknowledged is lost, nothing is written twice', () => {
  let messaging: TestMessaging;

  beforeEach(async () => {
    messaging = await createTestMessaging({ visibilityTimeoutSeconds: 5 });
  });
  afterEach(() => messaging?.destroy());

  it('When Postgres stops during ingestion, then nothing is lost and everything is stored once after it restarts', async () => {
    const dataDir = join(stackEnv('dataDir'), `restart-${Date.now()}`);
    const port = await freePort();
    const startServer = () => spawnServer<{ url: string }>(['postgres', dataDir, String(port)]);
    let server: ChildServer<{ url: string }> = await startServer();
    const database = await createTestDatabase(server.info.url);
    const subscriber = startConsumer({ database, endpoint: messaging.endpoint, queueUrl: messaging.queueUrl, consumer: { visibilityTimeoutSeconds: 5 } });
    try {
      const first = await messaging.publishMany(300);
      await waitFor('some records before the outage', async () => (await database.count()) > 0);
      await server.stop();

      const second = await messaging.publishMany(300);
      // While the database is down the subscriber holds what it received and stores nothing.
      await waitFor('the subscriber to notice the outage', async () =>
        (await subscriber.metrics.messages.get()).values.some((v) => v.labels.outcome === 'failed' && v.value > 0),
      );

      server = await startServer();
      const all = new Set([...first, ...second]);
      await waitFor('every record after the restart', async () => (await database.count()) === all.size, 60_000, 200);
      const { rows } = await database.pool.query('select transaction_id from records');
      expect(new Set(rows.map((r: { transaction_id: string }) => r.transaction_id))).toEqual(all);
      expect(await messaging.drain(messaging.queueUrl, 1)).toEqual([]);
    } finally {
      await subscriber.stop();
      await database.drop().catch(() => undefined);
      await server.stop();
    }
  });

  it('When the subscriber process gets SIGTERM under load, then it drains, exits 0, and no message is lost', async () => {
    const database = await createTestDatabase();
    const child = spawn(process.execPath, [join(ROOT, 'subscriber/dist/main.js')], {
      env: {
        PATH: process.env.PATH,
        ...EMULATOR_CREDENTIALS,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL: messaging.endpoint,
        QUEUE_URL: messaging.queueUrl,
        DATABASE_URL: database.url,
        HEALTH_PORT: '0',
        RECEIVE_WAIT_SECONDS: '1',
        VISIBILITY_TIMEOUT_SECONDS: '5',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const ids = await messaging.publishMany(2000);
      await waitFor('the subscriber to store some records', async () => (await database.count()) > 0, 20_000);

      child.kill('SIGTERM');
      const [code] = await exited;
      expect({ code, logs: logs.join('').includes('"msg":"stopped"') }).toEqual({ code: 0, logs: true });
      const storedAtExit = await database.count();

      // A fresh subscriber finds every message the first one did not acknowledge.
      const successor = startConsumer({ database, endpoint: messaging.endpoint, queueUrl: messaging.queueUrl, consumer: { visibilityTimeoutSeconds: 5 } });
      try {
        await waitFor('every record', async () => (await database.count()) === ids.length, 60_000, 200);
      } finally {
        await successor.stop();
      }
      const { rows } = await database.pool.query('select count(distinct transaction_id)::int as n from records');
      expect(rows[0].n).toBe(ids.length);
      expect(storedAtExit).toBeGreaterThan(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await database.drop();
    }
  });
});
