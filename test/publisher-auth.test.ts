import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createLogger, newTransactionId } from '@pubsub-ingest/common';
import { createTestDatabase, type TestDatabase } from './support/database';
import { createTestMessaging, type TestMessaging } from './support/messaging';
import { postJson, startPublisher, startSubscriber, waitFor, type RunningPublisher, type RunningSubscriber } from './support/services';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'pubsub-ingest';

interface TokenSpec {
  id: string;
  scopes: string[];
  expires_at?: string;
}

/** A bearer token and the file entry an operator stores for it: only its SHA-256. */
function opaqueToken(spec: TokenSpec) {
  const token = randomBytes(32).toString('base64url');
  return { token, entry: { ...spec, sha256: createHash('sha256').update(token).digest('hex') } };
}

/** Replaces the token file the way a Kubernetes Secret update does: a new file renamed over the old. */
function writeTokenFile(path: string, entries: object[]): void {
  writeFileSync(`${path}.next`, JSON.stringify({ tokens: entries }));
  renameSync(`${path}.next`, path);
}

/** An identity provider's key set on 127.0.0.1, as an OIDC provider serves its jwks_uri. */
async function startJwks(jwk: JWK): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server };
}

describe('publisher authentication and authorisation: bearer tokens and JWTs, scopes per topic', () => {
  let database: TestDatabase;
  let main: TestMessaging;
  let other: TestMessaging;
  let publisher: RunningPublisher;
  let subscriber: RunningSubscriber;
  let jwks: { url: string; server: Server };
  let privateKey: CryptoKey;
  let dir: string;
  let tokenFile: string;
  const tokens: Record<string, { token: string; entry: object }> = {};
  // Every line both services write, at their most verbose, through the services' own logger (its redaction included).
  const logLines: string[] = [];
  const capture = (service: string) => createLogger(service, 'trace', { write: (line: string) => void logLines.push(line) });

  const jwt = (claims: Record<string, unknown>, options: { expiresIn?: string | number; audience?: string; issuer?: string; key?: CryptoKey; kid?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'test-key' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject(String(claims.sub ?? 'client-jwt'))
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? privateKey);

  const bearer = (credential: string) => ({ Authorization: `Bearer ${credential}` });
  const publish = (headers: Record<string, string>, topic = main.topicName, message: unknown = { hello: 'world' }) =>
    postJson(`${publisher.url}/ingresar-datos`, { topic_arn: topic, message }, headers);
  const read = async (id: string, headers: Record<string, string>) => {
    const response = await fetch(`${publisher.url}/data/${id}`, { headers });
    return { status: response.status, headers: response.headers, json: (await response.json()) as any };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    main = await createTestMessaging();
    other = await createTestMessaging();
    const keys = await generateKeyPair('ES256');
    privateKey = keys.privateKey;
    jwks = await startJwks({ ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' });
    dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
    tokenFile = join(dir, 'tokens.json');
    tokens.producer = opaqueToken({ id: 'team-a-producer', scopes: [`publish:${main.topicName}`, `read:${main.topicName}`] });
    tokens.otherProducer = opaqueToken({ id: 'team-b-producer', scopes: [`publish:${other.topicName}`, `publish:${main.topicName}`] });
    tokens.otherReader = opaqueToken({ id: 'team-b-reader', scopes: [`read:${other.topicName}`] });
    tokens.expired = opaqueToken({ id: 'expired', scopes: ['publish:*', 'read:*'], expires_at: '2020-01-01T00:00:00Z' });
    writeTokenFile(tokenFile, Object.values(tokens).map((t) => t.entry));
    const env = { DATABASE_URL: database.url, AWS_ENDPOINT_URL: main.endpoint };
    publisher = await startPublisher({
      ...env,
      ALLOWED_TOPICS: `${main.topicName}=${main.topicArn},${other.topicName}=${other.topicArn}`,
      AUTH_MODE: 'on',
      AUTH_TOKENS_FILE: tokenFile,
      AUTH_TOKENS_RELOAD_SECONDS: '1',
      AUTH_JWKS_URL: jwks.url,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    }, { logger: capture('publisher') });
    subscriber = await startSubscriber({ ...env, QUEUE_URL: main.queueUrl }, { logger: capture('subscriber') });
  });

  afterAll(async () => {
    await subscriber?.stop();
    await publisher?.stop();
    jwks?.server.close();
    main?.destroy();
    other?.destroy();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stored = (id: string, headers: Record<string, string>) => waitFor(`record ${id}`, async () => (await read(id, headers)).status === 200);

  describe.each([
    ['POST /ingresar-datos', () => publish({})],
    ['POST /ingresar-datos/lote', () => postJson(`${publisher.url}/ingresar-datos/lote`, [{ topic_arn: main.topicName, message: 1 }])],
    ['GET /data/:id', () => read(newTransactionId(), {})],
  ])('%s', (_route, call) => {
    it('When the request has no credential, then 401 unauthenticated with a Bearer challenge', async () => {
      const response = await call();
      expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 401, code: 'unauthenticated' });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="pubsub-ingest"');
      expect(response.headers.get('retry-after')).toBeNull();
    });
  });

  it.each([
    ['an unknown opaque token', () => randomBytes(32).toString('base64url')],
    ['an expired opaque token', () => tokens.expired!.token],
    ['an expired JWT', () => jwt({ scope: `publish:${main.topicName}` }, { expiresIn: Math.floor(Date.now() / 1000) - 120 })],
    ['a JWT for another audience', () => jwt({ scope: `publish:${main.topicName}` }, { audience: 'another-service' })],
    ['a JWT of another issuer', () => jwt({ scope: `publish:${main.topicName}` }, { issuer: 'https://evil.test/' })],
    ['a JWT signed with a key not in the JWKS', async () => jwt({ scope: `publish:${main.topicName}` }, { key: (await generateKeyPair('ES256')).privateKey, kid: 'unknown-key' })],
    ['a JWT whose signature was changed', async () => `${(await jwt({ scope: `publish:${main.topicName}` })).slice(0, -4)}AAAA`],
  ])('When the credential is %s, then 401 invalid_token and nothing is published', async (_what, credential) => {
    const response = await publish(bearer(await credential()));
    expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 401, code: 'invalid_token' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="pubsub-ingest", error="invalid_token"');
  });

  it('When the Authorization header is not a Bearer credential, then 401 invalid_token', async () => {
    const response = await publish({ Authorization: `Basic ${Buffer.from('user:password').toString('base64')}` });
    expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 401, code: 'invalid_token' });
  });

  it('When an opaque token with the topic\'s scopes publishes, then 202, and it reads the stored record back', async () => {
    const posted = await publish(bearer(tokens.producer!.token), main.topicName, { from: 'team a' });
    expect(posted.status).toBe(202);
    await stored(posted.json.transaction_id, bearer(tokens.producer!.token));
    expect((await read(posted.json.transaction_id, bearer(tokens.producer!.token))).json.message).toEqual({ from: 'team a' });
  });

  it('When a JWT carries the scope (as `scope` or as an `scp` list), then it may publish and read', async () => {
    const viaScope = await publish(bearer(await jwt({ sub: 'svc-1', scope: `openid publish:${main.topicName} read:${main.topicName}` })));
    expect(viaScope.status).toBe(202);
    const viaScp = await publish(bearer(await jwt({ sub: 'svc-2', scp: [`publish:${main.topicName}`] })));
    expect(viaScp.status).toBe(202);
    await stored(viaScope.json.transaction_id, bearer(await jwt({ sub: 'reader', scp: ['read:*'] })));
  });

  it('When a credential lacks the topic\'s publish scope, then 403 insufficient_scope naming the scope, and nothing is published', async () => {
    const response = await publish(bearer(tokens.producer!.token), other.topicName);
    expect({ status: response.status, code: response.json.error.code }).toEqual({ status: 403, code: 'insufficient_scope' });
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="pubsub-ingest", error="insufficient_scope", scope="publish:${other.topicName}"`);
    const readOnly = await publish(bearer(tokens.otherReader!.token), other.topicName);
    expect(readOnly.status).toBe(403);
    expect(await other.drain(other.queueUrl, 2)).toEqual([]);
  });

  it('When a batch mixes topics the credential may and may not publish to, then 207: the allowed items 202, the others 403', async () => {
    const response = await postJson(`${publisher.url}/ingresar-datos/lote`, [{ topic_arn: main.topicName, message: 'mine' }, { topic_arn: other.topicName, message: 'not mine' }], bearer(tokens.producer!.token));
    expect(response.status).toBe(207);
    expect(response.json.items.map((item: { status: number; error?: { code: string } }) => [item.status, item.error?.code])).toEqual([
      [202, undefined],
      [403, 'insufficient_scope'],
    ]);
  });

  it('When a reader without the record\'s topic asks for it, then 404 exactly as for an id never stored', async () => {
    const posted = await publish(bearer(tokens.producer!.token), main.topicName, 'private to team a');
    await stored(posted.json.transaction_id, bearer(tokens.producer!.token));
    const denied = await read(posted.json.transaction_id, bearer(tokens.otherReader!.token));
    const neverStored = await read(newTransactionId(), bearer(tokens.otherReader!.token));
    expect(denied.status).toBe(404);
    expect({ ...denied.json.error, message: undefined, lookup: { ...denied.json.error.lookup, minted_at: undefined } }).toEqual({
      ...neverStored.json.error,
      message: undefined,
      lookup: { ...neverStored.json.error.lookup, minted_at: undefined },
    });
  });

  it('When two producers use the same Idempotency-Key on one topic, then each gets a record of its own', async () => {
    const key = { 'Idempotency-Key': `shared-${randomBytes(4).toString('hex')}` };
    const first = await publish({ ...bearer(tokens.producer!.token), ...key }, main.topicName, 'from a');
    const second = await publish({ ...bearer(tokens.otherProducer!.token), ...key }, main.topicName, 'from b');
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.json.transaction_id).not.toBe(second.json.transaction_id);
    const again = await publish({ ...bearer(tokens.producer!.token), ...key }, main.topicName, 'from a');
    expect(again.json.transaction_id).toBe(first.json.transaction_id);
  });

  it('When the token file is replaced, then a new token works and a removed one is refused, without a restart', async () => {
    const rotated = opaqueToken({ id: 'team-a-producer-2', scopes: [`publish:${main.topicName}`] });
    const keep = Object.entries(tokens).filter(([name]) => name !== 'producer').map(([, t]) => t.entry);
    writeTokenFile(tokenFile, [...keep, rotated.entry]);
    await waitFor('the rotated token', async () => (await publish(bearer(rotated.token))).status === 202, 10_000, 200);
    expect((await publish(bearer(tokens.producer!.token))).status).toBe(401);
    writeFileSync(tokenFile, '{ not json');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await publish(bearer(rotated.token))).status).toBe(202);
  });

  it('When health, readiness, metrics and the OpenAPI document are asked for without a credential, then they answer', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect({ path, status: (await fetch(`${publisher.url}${path}`)).status }).toEqual({ path, status: 200 });
    }
  });

  it('When the identity provider\'s keys cannot be fetched, then a JWT gets 503 auth_unavailable with Retry-After, not a 401', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise((resolve) => closed.close(resolve));
    const cut = await startPublisher({
      DATABASE_URL: database.url,
      AWS_ENDPOINT_URL: main.endpoint,
      ALLOWED_TOPICS: `${main.topicName}=${main.topicArn}`,
      AUTH_MODE: 'on',
      AUTH_JWKS_URL: deadUrl,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
    try {
      const response = await postJson(`${cut.url}/ingresar-datos`, { topic_arn: main.topicName, message: 1 }, bearer(await jwt({ scope: `publish:${main.topicName}` })));
      expect({ status: response.status, code: response.json.error.code, retryAfter: response.headers.get('retry-after') }).toEqual({ status: 503, code: 'auth_unavailable', retryAfter: '5' });
    } finally {
      await cut.stop();
    }
  });

  it('When requests carry credentials and messages, then no log line holds a credential or a message body, and request lines name the principal', async () => {
    const secret = `body-${randomBytes(8).toString('hex')}`;
    const token = tokens.otherProducer!.token; // still loaded after the rotation test above
    const viaToken = await publish(bearer(token), main.topicName, { note: secret });
    expect(viaToken.status).toBe(202);
    const viaJwt = await jwt({ sub: 'svc-logging', scope: `publish:${main.topicName}` });
    expect((await publish(bearer(viaJwt), main.topicName, { note: secret })).status).toBe(202);
    const wrong = randomBytes(32).toString('base64url');
    expect((await publish(bearer(wrong), main.topicName, { note: secret })).status).toBe(401);
    await stored(viaToken.json.transaction_id, bearer(await jwt({ sub: 'reader', scp: ['read:*'] })));

    const lines = logLines.join('\n');
    for (const [what, value] of [['the opaque token', token], ['the JWT', viaJwt], ['its signature', viaJwt.split('.')[2]!], ['the refused token', wrong], ['the message body', secret]]) {
      expect({ what, logged: lines.includes(value!) }).toEqual({ what, logged: false });
    }
    const requests = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request' && l.transaction_id === viaToken.json.transaction_id);
    expect(requests.map((l) => l.principal)).toContain('team-b-producer');
  });
});

