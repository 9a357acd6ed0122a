import { awsEnv, BATCH_MAX_ITEMS, ConfigError, databaseEnv, envVar, loggingEnv, readEnv, tracingEnv } from '@pubsub-ingest/common';
import { z } from 'zod';
import { LARGEST_BODY_BYTES } from './http/body-limits';

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
  /** Set (0: a free port): /healthz, /readyz and /metrics leave the API port for a listener of their own, so an ingress routing the API cannot expose them. HEALTH_HOST defaults to HOST. */
  HEALTH_HOST: z.string().optional(),
  HEALTH_PORT: envVar.optionalPort(),
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
  /** Slow clients: time for a request's headers, for the whole request, and for an idle keep-alive connection (above a load balancer's 60 s idle timeout). */
  HTTP_HEADERS_TIMEOUT_MS: envVar.positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: envVar.positiveInt(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envVar.positiveInt(65_000),
  /** Request body bytes held at once over all requests; past it a request is 503 overloaded before its body is read. */
  HTTP_MAX_BODY_BYTES_IN_FLIGHT: envVar.positiveInt(16 * 1024 * 1024),
  /** Bearer credentials on the publish and read routes; `off` only where the network is the boundary (the local stack). */
  AUTH_MODE: z.enum(['on', 'off']).default('on'),
  AUTH_TOKENS_FILE: z.string().min(1).optional(),
  AUTH_TOKENS_RELOAD_SECONDS: envVar.positiveInt(10, 3600),
  AUTH_JWKS_URL: envVar
    .url()
    .refine((url) => /^https:|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url), 'expected an https URL (http only on loopback)')
    .transform((url) => new URL(url))
    .optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUTH_JWT_CLOCK_TOLERANCE_SECONDS: envVar.nonNegativeInt(30, 300),
  /** Messages per second each client (credential, or address without one) may send; 0: no per-client limit. */
  RATE_LIMIT_MESSAGES_PER_SECOND: envVar.nonNegativeInt(0),
  RATE_LIMIT_BURST: envVar.positiveInt(BATCH_MAX_ITEMS * 2),
  /** Request body bytes per second each client may send; 0: no byte limit. A body of the largest size costs as much CPU as thousands of small messages. */
  RATE_LIMIT_BYTES_PER_SECOND: envVar.nonNegativeInt(0),
  RATE_LIMIT_BYTES_BURST: envVar.positiveInt(2 * LARGEST_BODY_BYTES),
  RATE_LIMIT_MAX_CLIENTS: envVar.positiveInt(100_000),
  /** How long a 429 is held before it is sent: a client that retries at once can then cost the pod no more than one cheap answer per connection per hold; 0 answers at once. */
  RATE_LIMIT_REFUSAL_DELAY_MS: envVar.nonNegativeInt(1000, 10_000),
  ...databaseEnv,
});

export type PublisherConfig = z.output<typeof publisherEnv> & { HEALTH_HOST: string };

export function loadConfig(env: Record<string, string | undefined> = process.env): PublisherConfig {
  const config = readEnv(publisherEnv, env);
  const problems: string[] = [];
  if (config.AUTH_MODE === 'on' && !config.AUTH_TOKENS_FILE && !config.AUTH_JWKS_URL) {
    problems.push('AUTH_MODE=on needs AUTH_TOKENS_FILE, AUTH_JWKS_URL or both; set AUTH_MODE=off only where the network alone decides who may call');
  }
  if (config.AUTH_JWKS_URL && (!config.AUTH_JWT_ISSUER || !config.AUTH_JWT_AUDIENCE)) {
    problems.push('AUTH_JWKS_URL needs AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE: a token of the same provider for another service must not pass');
  }
  if (config.RATE_LIMIT_MESSAGES_PER_SECOND > 0 && config.RATE_LIMIT_BURST < BATCH_MAX_ITEMS) {
    problems.push(`RATE_LIMIT_BURST must be at least ${BATCH_MAX_ITEMS}, a full batch, or such a batch could never pass`);
  }
  if (config.RATE_LIMIT_BYTES_PER_SECOND > 0 && config.RATE_LIMIT_BYTES_BURST < LARGEST_BODY_BYTES) {
    problems.push(`RATE_LIMIT_BYTES_BURST must be at least ${LARGEST_BODY_BYTES}, the largest body a route accepts, or such a request could never pass`);
  }
  if (config.HTTP_MAX_BODY_BYTES_IN_FLIGHT < LARGEST_BODY_BYTES) {
    problems.push(`HTTP_MAX_BODY_BYTES_IN_FLIGHT must be at least ${LARGEST_BODY_BYTES}, the largest body a route accepts, or such a request could never pass`);
  }
  if (config.HEALTH_PORT && config.HEALTH_PORT === config.PORT) {
    problems.push(`HEALTH_PORT must differ from PORT (${config.PORT}): health, readiness and metrics get a listener of their own, apart from the API`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...config, HEALTH_HOST: config.HEALTH_HOST ?? config.HOST });
}
