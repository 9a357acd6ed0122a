import { awsEnv, databaseEnv, envVar, loggingEnv, readEnv, tracingEnv } from '@pubsub-ingest/common';
import { z } from 'zod';

/** `name=arn` pairs, comma-separated: the only topics a client may publish to. */
const allowedTopics = z
  .string()
  .transform((raw, ctx) => {
    const topics = new Map<string, string>();
    for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [name, arn, ...rest] = pair.split('=');
      if (!name || !arn || rest.length > 0 || !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(arn)) {
        ctx.addIssue({ code: 'custom', message: `expected name=arn:aws:sns:<region>:<account>:<topic> pairs, got "${pair}"` });
        return z.NEVER;
      }
      topics.set(name, arn);
    }
    if (topics.size === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one name=arn pair' });
      return z.NEVER;
    }
    return topics;
  });

export const publisherEnv = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: envVar.port(3000),
  ...loggingEnv,
  ...tracingEnv,
  ...awsEnv,
  ALLOWED_TOPICS: allowedTopics,
  SNS_MAX_ATTEMPTS: envVar.positiveInt(3, 10),
  SNS_REQUEST_TIMEOUT_MS: envVar.positiveInt(5000),
  PUBLISH_LINGER_MS: envVar.nonNegativeInt(2, 1000),
  PUBLISH_MAX_IN_FLIGHT: envVar.positiveInt(1000),
  PUBLISH_BATCHING: envVar.boolean(true),
  SHUTDOWN_TIMEOUT_MS: envVar.positiveInt(10_000),
  ...databaseEnv,
});

export type PublisherConfig = z.output<typeof publisherEnv>;

export function loadConfig(env: Record<string, string | undefined> = process.env): PublisherConfig {
  return readEnv(publisherEnv, env);
}
