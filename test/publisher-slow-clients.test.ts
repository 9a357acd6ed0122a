import { connect, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { metricValue, postJson, rawRequest, startPublisher, waitFor, type RunningPublisher } from './support/services';

/** Writes `text` on a raw socket and resolves with everything the server sends until it closes. */
function rawExchange(url: string, text: string): Promise<{ answer: string; socket: Socket; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, socket, closedAfterMs: Date.now() - started }));
  });
}

describe('publisher and slow or oversized clients: each refused with a JSON error, never holding a socket', () => {
  let database: TestDatabase;
  let messaging: TestMessaging;
  let publisher: RunningPublisher;

  beforeAll(async () => {
    database = await createTestDatabase();
    messaging = await createTestMessaging();
    publisher = await startPublisher({
      DATABASE_URL: database.url,
      AWS_ENDPOINT_URL: messaging.endpoint,
      ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}`,
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
    });
  });

  afterAll(async () => {
    await publisher?.stop();
    messaging?.destroy();
    await database?.drop();
  });

  it('When a client sends its headers too slowly, then 408 request_timeout as JSON and the connection is closed', async () => {
    const { answer, closedAfterMs } = await rawExchange(publisher.url, 'POST /ingresar-datos HTTP/1.1\r\nHost: x\r\nContent-Type: app');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('When a client stops sending its body, then the connection is closed within the request timeout', async () => {
    const { answer, closedAfterMs } = await rawExchange(
      publisher.url,
      'POST /ingresar-datos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"topic_arn":',
    );
    expect(answer).not.toMatch(/^HTTP\/1\.1 202 /);
    expect(closedAfterMs).toBeLessThan(6_000);
  });

  it('When the headers are larger than 16 KiB, then 431 headers_too_large as JSON', async () => {
    const response = await rawRequest(`${publisher.url}/ingresar-datos`, { method: 'POST', headers: { 'X-Padding': 'x'.repeat(17 * 1024), 'Content-Type': 'application/json' }, body: '{}' });
    expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 431, code: 'headers_too_large' });
  });

  it('When the bodies held at once reach HTTP_MAX_BODY_BYTES_IN_FLIGHT, then a large request is 503 overloaded before its body is read, a small one still passes, and the bytes come back when the holder ends', async () => {
    const budgeted = await startPublisher({
      DATABASE_URL: database.url,
      AWS_ENDPOINT_URL: messaging.endpoint,
      ALLOWED_TOPICS: `${messaging.topicName}=${messaging.topicArn}`,
      HTTP_MAX_BODY_BYTES_IN_FLIGHT: String(2 * 1024 * 1024),
    });
    const reserved = () => metricValue(budgeted.service.registry, 'http_request_body_bytes_reserved');
    const { hostname, port } = new URL(budgeted.url);
    const holder = connect(Number(port), hostname);
    try {
      // A client that announced 1.5 MiB and sends it slowly holds its reservation all along.
      holder.write('POST /ingresar-datos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1572864\r\n\r\n{"topic_arn":');
      await waitFor('the held reservation', async () => (await reserved()) === 1_572_864);

      const large = JSON.stringify({ topic_arn: messaging.topicName, message: 'x'.repeat(1024 * 1024) });
      const refused = await postJson(`${budgeted.url}/ingresar-datos`, JSON.parse(large));
      expect({ status: refused.status, code: refused.json.error.code, retryAfter: refused.headers.get('retry-after') }).toEqual({ status: 503, code: 'overloaded', retryAfter: '1' });
      const small = await postJson(`${budgeted.url}/ingresar-datos`, { topic_arn: messaging.topicName, message: 'small enough' });
      expect(small.status).toBe(202);

      holder.destroy();
      await waitFor('the reservation to be given back', async () => (await reserved()) === 0);
      // Past the budget now, the same body is read and refused for what it is: larger than SNS takes.
      const read = await postJson(`${budgeted.url}/ingresar-datos`, JSON.parse(large));
      expect({ status: read.status, code: read.json.error.code }).toEqual({ status: 413, code: 'payload_too_large' });
      expect(await reserved()).toBe(0);
    } finally {
      holder.destroy();
      await budgeted.stop();
    }
  });
});
