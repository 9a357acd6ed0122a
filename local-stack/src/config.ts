import { resolve } from 'node:path';
import { envVar, readEnv } from '@pubsub-ingest/common';
import { z } from 'zod';
import { EMULATORS } from './servers';

/** `npm start`'s own settings; the services read theirs from the environment it gives them. */
export const localStackEnv = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: envVar.port(3000),
  LOCAL_POSTGRES_PORT: envVar.port(54329),
  LOCAL_EMULATOR_PORT: envVar.port(4566),
  LOCAL_EMULATOR: z.enum(EMULATORS).default('fauxqs'),
  LOCAL_SUBSCRIBER_HEALTH_PORT: envVar.port(8081),
  LOCAL_DATA_DIR: z.string().default(resolve(__dirname, '..', '..', '.local')),
});

export type LocalStackConfig = z.output<typeof localStackEnv>;

export const loadLocalStackConfig = (env: Record<string, string | undefined> = process.env): LocalStackConfig => readEnv(localStackEnv, env);
