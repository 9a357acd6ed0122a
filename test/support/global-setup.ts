import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATORS, startLocalStack, type EmulatorKind, type LocalStack } from '@pubsub-ingest/local-stack';
import { STACK_ENV } from './stack-env';

declare global {
  // eslint-disable-next-line no-var
  var __testStack: LocalStack | undefined;
}

/**
 * Starts one real Postgres server and one SNS/SQS emulator for the whole run, on free loopback
 * ports; tests create their own databases and topologies on them. TEST_EMULATOR=moto runs the
 * suite against moto's server (MOTO_SERVER names its program) instead of fauxqs.
 */
export default async function globalSetup(): Promise<void> {
  const emulator = (process.env[STACK_ENV.emulator] ?? 'fauxqs') as EmulatorKind;
  if (!EMULATORS.includes(emulator)) throw new Error(`${STACK_ENV.emulator} must be one of ${EMULATORS.join(', ')}`);
  // The data directory's parents must be readable by the postgres OS user the server runs as.
  const dataDir = mkdtempSync(join(tmpdir(), 'pubsub-ingest-test-'));
  chmodSync(dataDir, 0o755);
  const stack = await startLocalStack({ dataDir, emulator, provision: false, ...(process.env.MOTO_SERVER ? { motoServer: process.env.MOTO_SERVER } : {}) });
  globalThis.__testStack = stack;
  process.env[STACK_ENV.databaseUrl] = stack.postgres.info.url;
  process.env[STACK_ENV.endpoint] = stack.emulator.info.endpoint;
  process.env[STACK_ENV.dataDir] = dataDir;
  process.env[STACK_ENV.emulator] = emulator;
}
