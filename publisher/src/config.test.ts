import { ConfigError } from '@pubsub-ingest/common';
import { loadConfig } from './config';

const valid = { AWS_REGION: 'eu-west-1', ALLOWED_TOPICS: 'data-ingestion-topic=arn:aws:sns:eu-west-1:123456789012:data-ingestion-topic', AUTH_MODE: 'off' };

describe('publisher configuration', () => {
  it('When ALLOWED_TOPICS lists name=arn pairs, then they become the allow-list', () => {
    const config = loadConfig({ ...valid, ALLOWED_TOPICS: `${valid.ALLOWED_TOPICS}, audit=arn:aws:sns:eu-west-1:123456789012:audit` });
    expect([...config.ALLOWED_TOPICS]).toEqual([
      ['data-ingestion-topic', 'arn:aws:sns:eu-west-1:123456789012:data-ingestion-topic'],
      ['audit', 'arn:aws:sns:eu-west-1:123456789012:audit'],
    ]);
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
  });

  it.each([
    ['ALLOWED_TOPICS', { ...valid, ALLOWED_TOPICS: 'data-ingestion-topic' }],
    ['ALLOWED_TOPICS', { ...valid, ALLOWED_TOPICS: 'x=arn:aws:sqs:eu-west-1:123456789012:q' }],
    ['AWS_REGION', { ALLOWED_TOPICS: valid.ALLOWED_TOPICS }],
    ['PORT', { ...valid, PORT: 'eighty' }],
    ['HEALTH_PORT', { ...valid, HEALTH_PORT: '70000' }],
    ['PGSSLMODE', { ...valid, PGSSLMODE: 'sometimes' }],
  ])('When %s is bad, then start-up fails naming it', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`environment variable ${name}`));
  });

  describe('the health listener', () => {
    it('When HEALTH_PORT is not set, then there is none: health, readiness and metrics stay on the API port', () => {
      expect(loadConfig(valid).HEALTH_PORT).toBeUndefined();
    });

    it('When HEALTH_PORT is set without HEALTH_HOST, then it listens on the address of the API', () => {
      expect(loadConfig({ ...valid, HOST: '0.0.0.0', HEALTH_PORT: '8081' })).toMatchObject({ HEALTH_HOST: '0.0.0.0', HEALTH_PORT: 8081 });
      expect(loadConfig({ ...valid, HOST: '0.0.0.0', HEALTH_HOST: '127.0.0.1', HEALTH_PORT: '8081' }).HEALTH_HOST).toBe('127.0.0.1');
    });

    it('When HEALTH_PORT is the API port, then start-up fails naming it: the two must be apart', () => {
      expect(() => loadConfig({ ...valid, HEALTH_PORT: '3000' })).toThrow(ConfigError);
      expect(() => loadConfig({ ...valid, PORT: '8080', HEALTH_PORT: '8080' })).toThrow(/HEALTH_PORT must differ from PORT \(8080\)/);
    });

    it('When both ports are 0, then each gets a free port of its own, so start-up goes on', () => {
      expect(loadConfig({ ...valid, PORT: '0', HEALTH_PORT: '0' })).toMatchObject({ PORT: 0, HEALTH_PORT: 0 });
    });
  });

  describe('authentication', () => {
    const on = { ...valid, AUTH_MODE: undefined };

    it('When AUTH_MODE is not set, then authentication is on and start-up needs a token file or a JWKS', () => {
      expect(() => loadConfig(on)).toThrow(/AUTH_MODE=on needs AUTH_TOKENS_FILE, AUTH_JWKS_URL or both/);
      expect(loadConfig({ ...on, AUTH_TOKENS_FILE: '/etc/pubsub-ingest/auth/tokens.json' }).AUTH_MODE).toBe('on');
    });

    it('When a JWKS is given without issuer and audience, then start-up fails: a token for another service must not pass', () => {
      expect(() => loadConfig({ ...on, AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', AUTH_JWT_ISSUER: 'https://idp.example.com/' })).toThrow(
        /AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE/,
      );
      const config = loadConfig({ ...on, AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', AUTH_JWT_ISSUER: 'https://idp.example.com/', AUTH_JWT_AUDIENCE: 'pubsub-ingest' });
      expect(config.AUTH_JWKS_URL?.href).toBe('https://idp.example.com/.well-known/jwks.json');
    });

    it.each(['http://idp.example.com/jwks.json', 'not a url'])('When AUTH_JWKS_URL is %s, then start-up fails: keys travel over https only', (url) => {
      expect(() => loadConfig({ ...on, AUTH_JWKS_URL: url, AUTH_JWT_ISSUER: 'i', AUTH_JWT_AUDIENCE: 'a' })).toThrow(/environment variable AUTH_JWKS_URL/);
    });

    it('When AUTH_MODE is neither on nor off, then start-up fails naming it', () => {
      expect(() => loadConfig({ ...valid, AUTH_MODE: 'maybe' })).toThrow(/environment variable AUTH_MODE/);
    });
  });

  it('When per-client limits are on with a burst smaller than a full batch, then start-up fails: such a batch could never pass', () => {
    expect(() => loadConfig({ ...valid, RATE_LIMIT_MESSAGES_PER_SECOND: '100', RATE_LIMIT_BURST: '499' })).toThrow(/RATE_LIMIT_BURST must be at least 500/);
    expect(loadConfig({ ...valid, RATE_LIMIT_MESSAGES_PER_SECOND: '100' }).RATE_LIMIT_BURST).toBe(1000);
  });

  it('When a per-client byte limit is on with a burst smaller than the largest body, then start-up fails: such a body could never pass', () => {
    expect(() => loadConfig({ ...valid, RATE_LIMIT_BYTES_PER_SECOND: '1048576', RATE_LIMIT_BYTES_BURST: '1048576' })).toThrow(/RATE_LIMIT_BYTES_BURST must be at least 1572864/);
    expect(loadConfig({ ...valid, RATE_LIMIT_BYTES_PER_SECOND: '1048576' }).RATE_LIMIT_BYTES_BURST).toBe(2 * 1572864);
  });

  it('When no refusal delay is set, then a 429 is held a second; more than ten seconds is refused at start-up', () => {
    expect(loadConfig(valid).RATE_LIMIT_REFUSAL_DELAY_MS).toBe(1000);
    expect(() => loadConfig({ ...valid, RATE_LIMIT_REFUSAL_DELAY_MS: '10001' })).toThrow(/RATE_LIMIT_REFUSAL_DELAY_MS/);
  });

  it('When the body budget is smaller than the largest body a route accepts, then start-up fails: such a request could never pass', () => {
    expect(() => loadConfig({ ...valid, HTTP_MAX_BODY_BYTES_IN_FLIGHT: '1048576' })).toThrow(/HTTP_MAX_BODY_BYTES_IN_FLIGHT must be at least 1572864/);
    expect(loadConfig(valid).HTTP_MAX_BODY_BYTES_IN_FLIGHT).toBe(16 * 1024 * 1024);
  });
});
