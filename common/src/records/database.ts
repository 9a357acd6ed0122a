import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, type PoolConfig } from 'pg';
import { z } from 'zod';
import { ConfigError, envVar } from '../config/env';
import type { Logger } from '../logging/logger';
import type { Database } from './records.table';

/**
 * Database settings: `DATABASE_URL`, or the standard libpq variables. Spread into a service's
 * environment schema so every service reads them the same way.
 */
export const databaseEnv = {
  DATABASE_URL: z.string().optional(),
  PGHOST: z.string().default('127.0.0.1'),
  PGPORT: envVar.port(5432),
  PGDATABASE: z.string().default('postgres'),
  PGUSER: z.string().default('postgres'),
  PGPASSWORD: z.string().optional(),
  PGSSLMODE: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('disable'),
  PGSSLROOTCERT: z.string().optional(),
  DATABASE_POOL_SIZE: envVar.positiveInt(8, 200),
  DATABASE_CONNECT_TIMEOUT_MS: envVar.positiveInt(5000),
  /** A Secrets Manager secret (e.g. the one RDS manages) holding the password; wins over PGPASSWORD. */
  DATABASE_SECRET_ARN: z.string().startsWith('arn:', 'expected a Secrets Manager secret ARN').optional(),
  /** `iam`: connect with an RDS IAM authentication token for PGUSER instead of a password. */
  DATABASE_AUTH: z.enum(['password', 'iam']).default('password'),
};

export type DatabaseConfig = z.output<z.ZodObject<typeof databaseEnv>>;

export interface DatabaseOptions {
  /** Supplies the password per new connection, e.g. from a rotating secret; wins over PGPASSWORD. */
  password?: () => Promise<string>;
  logger?: Logger;
  applicationName?: string;
}

function sslOf(config: DatabaseConfig): PoolConfig['ssl'] {
  switch (config.PGSSLMODE) {
    case 'disable':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full': {
      const ca = config.PGSSLROOTCERT ? readFileSync(config.PGSSLROOTCERT, 'utf8') : undefined;
      return {
        rejectUnauthorized: true,
        ...(ca ? { ca } : {}),
        ...(config.PGSSLMODE === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
      };
    }
  }
}

/**
 * node-postgres reads `sslmode=require` in a URL as `verify-full`, so a server with a self-signed
 * certificate (Citus's, by default) is refused. Give URLs libpq's meaning, as PGSSLMODE has here:
 * `require` encrypts, `verify-ca` and `verify-full` also check the certificate.
 */
export function withLibpqSslModes(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.searchParams.has('sslmode') || parsed.searchParams.has('uselibpqcompat')) return url;
  parsed.searchParams.set('uselibpqcompat', 'true');
  return parsed.toString();
}

function checkAuth(config: DatabaseConfig): void {
  if (config.DATABASE_AUTH !== 'iam') return;
  const problems = [
    ...(config.DATABASE_URL ? ['DATABASE_AUTH=iam takes PGHOST, PGPORT and PGUSER, not DATABASE_URL'] : []),
    ...(['disable', 'prefer'].includes(config.PGSSLMODE) ? [`DATABASE_AUTH=iam needs TLS: PGSSLMODE=${config.PGSSLMODE} would send the token in clear`] : []),
  ];
  if (problems.length) throw new ConfigError(problems);
}

export function poolConfigOf(config: DatabaseConfig, options: DatabaseOptions = {}): PoolConfig {
  checkAuth(config);
  const target: PoolConfig = config.DATABASE_URL
    ? { connectionString: withLibpqSslModes(config.DATABASE_URL) }
    : {
        host: config.PGHOST,
        port: config.PGPORT,
        database: config.PGDATABASE,
        user: config.PGUSER,
        ssl: sslOf(config),
        ...(config.PGPASSWORD !== undefined ? { password: config.PGPASSWORD } : {}),
      };
  return {
    ...target,
    ...(options.password ? { password: options.password } : {}),
    max: config.DATABASE_POOL_SIZE,
    connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'pubsub-ingest',
  };
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: Pool;
  destroy(): Promise<void>;
}

export function createDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): DatabaseHandle {
  const pool = new Pool(poolConfigOf(config, options));
  // A connection dropped by the server (restart, failover) must not crash the process: the pool
  // reports idle ones, and a checked-out client may see the server's FATAL between two queries.
  const onConnectionError = (err: Error) => options.logger?.warn({ err }, 'database connection failed');
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let destroyed: Promise<void> | undefined;
  return {
    db,
    pool,
    destroy: () => (destroyed ??= db.destroy()),
  };
}
