import { join } from 'node:path';
import { EMULATOR_CREDENTIALS, freePort, REGION, spawnService, startPostgresServer, type PostgresServer } from '@pubsub-ingest/local-stack';
import { createTestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { outcomeCount, startSubscriber, waitFor } from './support/services';
import { stackEnv } from './support/stack-env';

describe('subscriber under faults: nothing acknowledged is lost, nothing is written twice', () => {
  let messaging: TestMessaging;

  beforeEach(async () => {
    messaging = await createTestMessaging({ visibilityTimeoutSeconds: 5 });
  });
  afterEach(() => messaging?.destroy());

  it('When Postgres stops during ingestion, then nothing is lost and everything is stored once after it restarts', async () => {
    const dataDir = join(stackEnv('dataDir'), `restart-${Date.now()}`);
    const port = await freePort();
    const startServer = () => startPostgresServer({ dataDir, port });
    let server: PostgresServer = await startServer();
    const database = await createTestDatabase(server.info.url);
    const subscriber = await startSubscriber({ DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl, VISIBILITY_TIMEOUT_SECONDS: '5' });
    try {
      const first = await messaging.publishMany(300);
      await waitFor('some records before the outage', async () => (await database.count()) > 0);
      await server.stop();

      const second = await messaging.publishMany(300);
      // While the database is down the subscriber holds what it received and stores nothing.
      await waitFor('the subscriber to notice the outage', async () => (await outcomeCount(subscriber, 'failed')) > 0);

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
    const subscriberEnv = { DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl, VISIBILITY_TIMEOUT_SECONDS: '5' };
    const child = spawnService('subscriber', { ...EMULATOR_CREDENTIALS, AWS_REGION: REGION, ...subscriberEnv, HEALTH_PORT: '0', RECEIVE_WAIT_SECONDS: '1', LOG_LEVEL: 'info' });
    try {
      const ids = await messaging.publishMany(2000);
      await waitFor('the subscriber to store some records', async () => (await database.count()) > 0, 20_000);

      const code = await child.stop('SIGTERM');
      expect({ code, logs: child.output().includes('"msg":"stopped"') }).toEqual({ code: 0, logs: true });
      const storedAtExit = await database.count();

      // A fresh subscriber finds every message the first one did not acknowledge.
      const successor = await startSubscriber(subscriberEnv);
      try {
        await waitFor('every record', async () => (await database.count()) === ids.length, 60_000, 200);
      } finally {
        await successor.stop();
      }
      const { rows } = await database.pool.query('select count(distinct transaction_id)::int as n from records');
      expect(rows[0].n).toBe(ids.length);
      expect(storedAtExit).toBeGreaterThan(0);
    } finally {
      await child.stop('SIGKILL');
      await database.drop();
    }
  });
});
