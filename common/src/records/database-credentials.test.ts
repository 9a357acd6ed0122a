import { parse } from 'pg-connection-string';
import { ConfigError } from '../config/env';
import { databasePasswordProvider } from './database-credentials';
import { poolConfigOf, withLibpqSslModes, type DatabaseConfig } from './database';

const base: DatabaseConfig = {
  PGHOST: 'db.abcdefghijkl.eu-west-1.rds.amazonaws.com', PGPORT: 5432, PGDATABASE: 'pubsub_ingest', PGUSER: 'pubsub_publisher',
  PGSSLMODE: 'verify-full', DATABASE_POOL_SIZE: 4, DATABASE_CONNECT_TIMEOUT_MS: 5000, DATABASE_AUTH: 'password',
};

describe('database credentials', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example' }));
  afterAll(() => {
    process.env = saved;
  });

  it('When DATABASE_AUTH=iam, then each new connection gets an RDS token for PGUSER at PGHOST:PGPORT, reused while valid', async () => {
    const provider = databasePasswordProvider({ ...base, DATABASE_AUTH: 'iam', AWS_REGION: 'eu-west-1' });
    const token = await provider!();
    expect(token.startsWith(`${base.PGHOST}:5432/?`)).toBe(true);
    const query = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(query.get('Action')).toBe('connect');
    expect(query.get('DBUser')).toBe('pubsub_publisher');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    expect(Number(query.get('X-Amz-Expires'))).toBe(900);
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(await provider!()).toBe(token);
  });

  it('When neither a secret nor IAM is configured, then the configured password is used as is', () => {
    expect(databasePasswordProvider({ ...base, AWS_REGION: 'eu-west-1' })).toBeUndefined();
  });

  it('When DATABASE_AUTH=iam comes with a URL or without TLS, then the configuration is refused', () => {
    expect(() => poolConfigOf({ ...base, DATABASE_AUTH: 'iam', DATABASE_URL: 'postgres://u@h/db' })).toThrow(/not DATABASE_URL/);
    expect(() => poolConfigOf({ ...base, DATABASE_AUTH: 'iam', PGSSLMODE: 'disable' })).toThrow(ConfigError);
    expect(poolConfigOf({ ...base, DATABASE_AUTH: 'iam' }).ssl).toMatchObject({ rejectUnauthorized: true });
  });
});

describe('sslmode in DATABASE_URL', () => {
  it('When a URL says sslmode=require, then it encrypts without verifying the certificate, as libpq does', () => {
    const { connectionString } = poolConfigOf({ ...base, DATABASE_URL: 'postgres://u:p@citus:5432/db?sslmode=require' });
    expect(connectionString).toContain('uselibpqcompat=true');
    expect(parse(connectionString!).ssl).toEqual({ rejectUnauthorized: false });
    // Without the normalisation node-postgres would verify it against the system CAs.
    expect(parse('postgres://u:p@citus:5432/db?sslmode=require').ssl).toEqual({});
  });

  it('When a URL says verify-full, has no sslmode, or already chose, then its meaning is kept', () => {
    expect(parse(withLibpqSslModes('postgres://u@h/db?sslmode=verify-full')).ssl).toEqual({});
    expect(withLibpqSslModes('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(withLibpqSslModes('postgres://u@h/db?sslmode=require&uselibpqcompat=false')).toBe('postgres://u@h/db?sslmode=require&uselibpqcompat=false');
  });
});
