import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { metricValue, postJson, startPublisher, waitFor, type RunningPublisher } from './support/services';

const HEALTH_PATHS = ['/healthz', '/readyz', '/metrics'];

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

describe('publisher with HEALTH_PORT: health, readiness and metrics on a listener of their own, apart from the API', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;
  let publisher: RunningPublisher;
  let dir: string;
  const token = randomBytes(32).toString('base64url');
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    messaging = await createTestMessaging();
    dir = mkdtempSync(join(tmpdir(), 'health-port-test-'));
    const tokenFile = join(dir, 'tokens.json');
    writeFileSync(tokenFile, JSON.stringify({ tokens: [{ id: 'producer', sha256: createHash('sha256').update(token).digest('hex'), scopes: [`publish:${messaging.topicName}`] }] }));
    env = {
      DATABASE_URL: database.url,
      AWS_ENDPOINT_URL: messaging.endpoint,
      ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}`,
      AUTH_MODE: 'on',
      AUTH_TOKENS_FILE: tokenFile,
      HEALTH_PORT: '0',
    };
    publisher = await startPublisher(env);
  });

  afterAll(async () => {
    await publisher?.stop();
    messaging?.destroy();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const publish = (url: string) => postJson(`${url}/ingresar-datos`, { topic_arn: messaging.topicName, message: { hello: 'world' } }, { Authorization: `Bearer ${token}` });

  it('When HEALTH_PORT is 0, then the health listener gets a free port of its own, on the API\'s host, and says where', () => {
    const api = new URL(publisher.url);
    const health = new URL(publisher.healthUrl);
    expect(health.hostname).toBe(api.hostname);
    expect(Number(health.port)).toBeGreaterThan(0);
    expect(health.port).not.toBe(api.port);
  });

  it('When health, readiness and metrics are asked for on the health port without a credential, then they answer 200', async () => {
    const answers = await Promise.all(HEALTH_PATHS.map(async (path) => ({ path, status: (await get(`${publisher.healthUrl}${path}`)).status })));
    expect(answers).toEqual(HEALTH_PATHS.map((path) => ({ path, status: 200 })));
    expect(JSON.parse((await get(`${publisher.healthUrl}/readyz`)).text)).toEqual({ status: 'ok', checks: { database: 'ok', sns: 'ok' } });
  });

  it('When readiness and metrics are asked for on the API port, then it answers 404 not_found as JSON, like any unknown path; liveness, which tells nothing, still answers there for a load balancer', async () => {
    expect((await get(`${publisher.url}/healthz`)).status).toBe(200);
    for (const path of ['/readyz', '/metrics', '/no-such-path']) {
      const { status, type, text } = await get(`${publisher.url}${path}`);
      expect({ path, status, type, body: JSON.parse(text) }).toEqual({
        path,
        status: 404,
        type: expect.stringContaining('application/json'),
        body: { error: { code: 'not_found', message: `no route for GET ${path}` } },
      });
    }
  });

  it('When a producer publishes on the API port, then it is accepted (202), and the health port\'s metrics count it', async () => {
    const accepted = await publish(publisher.url);
    expect(accepted.status).toBe(202);
    const metrics = (await get(`${publisher.healthUrl}/metrics`)).text;
    expect(metrics).toMatch(/^http_requests_total\{route="\/ingresar-datos",method="POST",status="202"\} [1-9]/m);
  });

  it('When the API or its OpenAPI document is asked for on the health port, then it answers 404 as JSON: the document stays with the API, and lists only what the API port serves (liveness, not readiness or metrics)', async () => {
    const served = await get(`${publisher.url}/openapi.json`);
    expect(served.status).toBe(200);
    const paths = Object.keys(JSON.parse(served.text).paths);
    expect(paths).toContain('/ingresar-datos');
    expect(paths.filter((path) => HEALTH_PATHS.includes(path))).toEqual(['/healthz']);
    for (const path of ['/openapi.json', '/ingresar-datos']) {
      const { status, text } = await get(`${publisher.healthUrl}${path}`);
      expect({ path, status, code: JSON.parse(text).error.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    const posted = await postJson(`${publisher.healthUrl}/healthz`, {});
    expect({ status: posted.status, code: posted.json.error.code, allow: posted.headers.get('allow') }).toEqual({ status: 405, code: 'method_not_allowed', allow: 'HEAD, GET' });
  });

  it('When it stops with a request in flight, then readiness says shutting_down on the health port until the API has drained, and only then does that port close', async () => {
    const stopping = await startPublisher(env);
    const body = JSON.stringify({ topic_arn: messaging.topicName, message: { in: 'flight' } });
    const req = request(`${stopping.url}/ingresar-datos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${token}` },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    try {
      await waitFor('the request in flight', async () => (await metricValue(stopping.service.registry, 'http_requests_in_flight')) === 1);

      const stopped = stopping.stop();
      const ready = await get(`${stopping.healthUrl}/readyz`);
      expect({ status: ready.status, body: JSON.parse(ready.text) }).toEqual({ status: 503, body: { status: 'shutting_down' } });
      expect((await get(`${stopping.healthUrl}/healthz`)).status).toBe(200);

      req.end(body.slice(10));
      expect(await answered).toBe(202);
      await stopped;
      await expect(fetch(`${stopping.healthUrl}/healthz`)).rejects.toThrow();
    } finally {
      req.destroy();
      await stopping.stop();
    }
  });
});
