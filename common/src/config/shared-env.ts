import { z } from 'zod';
import { envVar } from './env';

/** Settings every process reads the same way; each service's config module spreads the ones it needs. */
export const loggingEnv = {
  LOG_LEVEL: envVar.logLevel(),
};

/** The standard AWS SDK settings: the region, and the endpoint override the local stack uses. */
export const awsEnv = {
  AWS_REGION: z.string().min(1),
  AWS_ENDPOINT_URL: envVar.url().optional(),
};
