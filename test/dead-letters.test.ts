import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { EMULATOR_CREDENTIALS, REGION } from '@pubsub-ingest/local-stack';
import { createTestDatabase, type TestDatabase } from './support/database';
import { encodeMessage } from './support/messages';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { startSubscriber, waitFor } from './support/services';

const DLQ_CLI = join(__dirname, '..', 'subscriber', 'dist', 'bin', 'dlq.js');

describe('npm run dlq: dead letters an operator can act on', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;

  beforeAll(async () => {
    database = await createTestDatabase();
    messaging = await createTestMessaging({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
  });
  afterAll(async () => {
    messaging?.destroy();
    await database?.drop();
  });

  const dlq = async (...args: string[]) => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [DLQ_CLI, ...args], {
      env: { PATH: process.env.PATH, ...EMULATOR_CREDENTIALS, AWS_REGION: REGION, AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl, DATABASE_URL: database.url },
    });
    return { lines: stdout.trim() ? stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [], stderr };
  };
  const deadLetter = async (body: string, attributes: Record<string, string>) => {
    const MessageAttributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));
    await messaging.sqs.send(new SendMessageCommand({ QueueUrl: messaging.deadLetterQueueUrl, MessageBody: body, MessageAttributes }));
  };
  const stored = async (id: string) => (await database.pool.query('select count(*)::int as n from records where transaction_id = $1', [id])).rows[0].n as number;

  it('When dead letters are listed, redriven, and redriven again, then each shows its reason, only the storable one moves, and once', async () => {
    const fixed = encodeMessage({ dead: 'during an outage' });
    const refused = { ...encodeMessage({}), body: '{"n": 01}' };
    await deadLetter('no attributes at all', {});
    await deadLetter(fixed.body, fixed.attributes);
    await deadLetter(refused.body, refused.attributes);

    const listed = await dlq('list', '--json');
    expect(listed.lines.map((l) => [l.verdict, l.transactionId ?? null]).sort()).toEqual(
      [['invalid', null], ['rejected', refused.transactionId], ['storable', fixed.transactionId]].sort(),
    );
    expect(listed.lines.find((l) => l.verdict === 'invalid')?.reason).toContain('missing message attribute');
    expect(listed.lines.find((l) => l.verdict === 'rejected')?.reason).toContain('22P02');

    const dryRun = await dlq('redrive', '--dry-run', '--json');
    expect(dryRun.lines.map((l) => [l.transactionId, l.moved])).toEqual([[fixed.transactionId, false]]);

    const redriven = await dlq('redrive', '--json');
    expect(redriven.lines.map((l) => [l.transactionId, l.moved])).toEqual([[fixed.transactionId, true]]);
    const subscriber = await startSubscriber({ DATABASE_URL: database.url, AWS_ENDPOINT_URL: messaging.endpoint, QUEUE_URL: messaging.queueUrl });
    try {
      await waitFor('the redriven message to be stored', async () => (await stored(fixed.transactionId)) === 1);
    } finally {
      await subscriber.stop();
    }

    const again = await dlq('redrive', '--json');
    expect(again.lines).toEqual([]);
    expect((await dlq('list', '--json')).lines.map((l) => l.verdict).sort()).toEqual(['invalid', 'rejected']);

    const shown = await dlq('show', String(listed.lines.find((l) => l.verdict === 'rejected')!.messageId), '--json');
    expect(shown.lines).toEqual([expect.objectContaining({ verdict: 'rejected', body: '{"n": 01}' })]);
  });

  it('When a command is unknown, then the usage is printed and it exits 2', async () => {
    await expect(dlq('purge')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run dlq') });
  });
});
