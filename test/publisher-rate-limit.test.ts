import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTransactionId } from '@pubsub-ingest/common';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { postJson, rawRequest, startPublisher, type RunningPublisher } from './support/services';

const MiB = 1024 * 1024;
/** How long each 429 is held; short here so the suite stays quick. */
const HOLD_MS = 400;

describe('publisher per-client rate limits: 429 with Retry-After, one client never takes another\'s share', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;
  let publisher: RunningPublisher;
  let dir: string;
  let now = Date.parse('2026-06-01T12:00:00Z');
  const tokens = { a: randomBytes(24).toString('base64url'), b: randomBytes(24).toString('base64url') };

  beforeAll(async () => {
    database = await createTestDatabase();
    messaging = await createTestMessaging();
    dir = mkdtempSync(join(tmpdir(), 'rate-limit-test-'));
    const file = join(dir, 'tokens.json');
    const entry = (id: string, token: string) => ({ id, sha256: createHash('sha256').update(token).digest('hex'), scopes: ['publish:*', 'read:*'] });
    writeFileSync(file, JSON.stringify({ tokens: [entry('a', tokens.a), entry('b', tokens.b)] }));
    publisher = await startPublisher(
      {
        DATABASE_URL: database.url,
        AWS_ENDPOINT_URL: messaging.endpoint,
        ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}`,
        AUTH_MODE: 'on',
        AUTH_TOKENS_FILE: file,
        RATE_LIMIT_MESSAGES_PER_SECOND: '100',
        RATE_LIMIT_BURST: '500',
        RATE_LIMIT_BYTES_PER_SECOND: String(MiB),
        RATE_LIMIT_BYTES_BURST: String(1.5 * MiB),
        RATE_LIMIT_REFUSAL_DELAY_MS: String(HOLD_MS),
      },
      { clock: () => new Date(now) },
    );
  });

  afterAll(async () => {
    await publisher?.stop();
    messaging?.destroy();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const as = (client: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[client]}` });
  // Items for a topic that is not allowed: each costs its token and none reaches SNS, so the tests
  // spend buckets without filling the emulator's queue.
  const refusedBatch = (client: keyof typeof tokens, size: number) =>
    postJson(`${publisher.url}/ingresar-datos/lote`, Array.from({ length: size }, (_, i) => ({ topic_arn: 'not-an-allowed-topic', message: { i } })), as(client));
  const publishOne = (client: keyof typeof tokens, message: unknown = 'one') =>
    postJson(`${publisher.url}/ingresar-datos`, { topic_arn: messaging.topicName, message }, as(client));

  it('When a client sends more messages than its burst, then 429 rate_limited with Retry-After, and after that wait it may send again', async () => {
    expect((await refusedBatch('a', 500)).status).toBe(422);
    const limited = await publishOne('a', 'one more');
    expect({ status: limited.status, code: limited.json.error.code, retryAfter: limited.headers.get('retry-after') }).toEqual({ status: 429, code: 'rate_limited', retryAfter: '1' });
    const read = await fetch(`${publisher.url}/data/${newTransactionId()}`, { headers: as('a') });
    expect(read.status).toBe(429);
    now += 1_000; // 100 tokens back
    expect((await publishOne('a', 'later')).status).toBe(202);
  });

  it('When a batch needs more tokens than are left, then the whole batch is 429 and none of it is looked at', async () => {
    now += 10_000;
    expect((await refusedBatch('a', 450)).status).toBe(422);
    const refused = await postJson(`${publisher.url}/ingresar-datos/lote`, Array.from({ length: 100 }, (_, i) => ({ topic_arn: messaging.topicName, message: { i } })), as('a'));
    expect({ status: refused.status, code: refused.json.error.code, retryAfter: refused.headers.get('retry-after') }).toEqual({ status: 429, code: 'rate_limited', retryAfter: '1' });
  });

  it('When a client is refused, then its 429 is held for the delay, and another client is answered meanwhile', async () => {
    now += 10_000;
    await refusedBatch('a', 500);
    const started = performance.now();
    const refusal = publishOne('a').then((r) => ({ status: r.status, ms: performance.now() - started }));
    const other = publishOne('b').then((r) => ({ status: r.status, ms: performance.now() - started }));
    const [refused, answered] = await Promise.all([refusal, other]);
    expect(refused.status).toBe(429);
    expect(refused.ms).toBeGreaterThanOrEqual(HOLD_MS - 5);
    expect(answered.status).toBe(202);
    expect(answered.ms).toBeLessThan(refused.ms);
  });

  it('When one client is limited, then another client still gets its whole burst', async () => {
    now += 10_000;
    await refusedBatch('a', 500);
    expect((await publishOne('a')).status).toBe(429);
    expect((await refusedBatch('b', 499)).status).toBe(422);
    expect((await publishOne('b')).status).toBe(202);
  });

  /** A body of about `bytes` whose message is too large for SNS: read, then refused 413, so nothing reaches the emulator. */
  const largeBody = (bytes: number) => JSON.stringify({ topic_arn: messaging.topicName, message: 'x'.repeat(bytes - 100) });
  const sendLarge = (client: keyof typeof tokens, bytes: number, chunked = false) =>
    rawRequest(`${publisher.url}/ingresar-datos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...as(client), ...(chunked ? { 'Transfer-Encoding': 'chunked' } : {}) },
      body: largeBody(bytes),
    });

  it('When a client sends more body bytes than its byte budget, then 429 rate_limited before the body is read, and another client is not affected', async () => {
    now += 10_000;
    expect((await sendLarge('a', 1.2 * MiB)).status).toBe(413);
    const limited = await sendLarge('a', 0.5 * MiB);
    expect({ status: limited.status, code: limited.json.error.code, retryAfter: limited.headers['retry-after'] }).toEqual({ status: 429, code: 'rate_limited', retryAfter: '1' });
    expect(limited.json.error.message).toMatch(/body bytes per second/);
    expect((await sendLarge('b', 0.5 * MiB)).status).toBe(413);
    now += 1_000;
    expect((await sendLarge('a', 0.5 * MiB)).status).toBe(413);
  });

  it('When a body comes without Content-Length, then it is charged once read, and the next one over the budget is 429', async () => {
    now += 10_000;
    expect((await sendLarge('a', 1.2 * MiB, true)).status).toBe(413);
    const limited = await sendLarge('a', 0.5 * MiB, true);
    expect({ status: limited.status, code: limited.json.error.code }).toEqual({ status: 429, code: 'rate_limited' });
  });
});
