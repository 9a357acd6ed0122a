import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Middleware } from 'koa';
import type { AuthState } from '../auth/authenticator';
import { AppError } from '../http/app-error';
import type { BodyReadState } from '../http/json-body';
import { TokenBuckets } from './token-buckets';

export interface RateLimitConfig {
  /** Messages per second per client; 0 turns the limit off. */
  RATE_LIMIT_MESSAGES_PER_SECOND: number;
  RATE_LIMIT_BURST: number;
  /** Request body bytes per second per client; 0 turns the limit off. */
  RATE_LIMIT_BYTES_PER_SECOND: number;
  RATE_LIMIT_BYTES_BURST: number;
  RATE_LIMIT_MAX_CLIENTS: number;
  RATE_LIMIT_REFUSAL_DELAY_MS: number;
}

/** Refusals held at once; past it a 429 is sent at once, so holding can never cost more memory than this many idle requests. */
const MAX_HELD_REFUSALS = 10_000;

interface Limit {
  buckets: TokenBuckets;
  rate: number;
  burst: number;
  unit: string;
}

/**
 * Per-client limits on the publish and read routes, so one producer's flood cannot take the
 * capacity every other producer shares. A client is its credential when authenticated, else its
 * address. Two budgets, each a token bucket: messages, and body bytes, since a body of the largest
 * size costs the publisher as much as thousands of small messages. A refusal is 429 with
 * Retry-After; the shared limits stay a 503.
 */
export class RateLimiter {
  private readonly messages: Limit | undefined;
  private readonly bytes: Limit | undefined;
  private readonly refusalDelayMs: number;
  private held = 0;

  constructor(config: RateLimitConfig, clock: () => Date) {
    this.refusalDelayMs = config.RATE_LIMIT_REFUSAL_DELAY_MS;
    const nowMs = () => clock().getTime();
    const limit = (rate: number, burst: number, unit: string): Limit | undefined =>
      rate > 0 ? { buckets: new TokenBuckets({ ratePerSecond: rate, burst, maxClients: config.RATE_LIMIT_MAX_CLIENTS }, nowMs), rate, burst, unit } : undefined;
    this.messages = limit(config.RATE_LIMIT_MESSAGES_PER_SECOND, config.RATE_LIMIT_BURST, 'messages');
    this.bytes = limit(config.RATE_LIMIT_BYTES_PER_SECOND, config.RATE_LIMIT_BYTES_BURST, 'body bytes');
  }

  /**
   * Holds each 429 for RATE_LIMIT_REFUSAL_DELAY_MS before it is sent. A client that ignores
   * Retry-After and retries at once on many connections would otherwise keep the pod busy answering
   * refusals (and reading the bodies it sends after them); held, each connection costs one cheap
   * answer per delay. A client that honours Retry-After (whole seconds, at least one) loses nothing.
   * Registered outside the routes, so a held refusal holds no body budget and no in-flight slot.
   */
  holdRefusals(): Middleware {
    return async (_ctx, next) => {
      try {
        await next();
      } catch (err) {
        if (err instanceof AppError && err.code === 'rate_limited' && this.refusalDelayMs > 0 && this.held < MAX_HELD_REFUSALS) {
          this.held++;
          try {
            await sleep(this.refusalDelayMs);
          } finally {
            this.held--;
          }
        }
        throw err;
      }
    };
  }

  /** Takes `messages` from the caller's bucket, or throws 429 rate_limited. */
  check(ctx: Context, messages: number): void {
    take(this.messages, ctx, messages);
  }

  /** For routes whose cost is known before the body: one message. */
  perRequest(): Middleware {
    return async (ctx, next) => {
      this.check(ctx, 1);
      await next();
    };
  }

  /**
   * Charges a route's body to the caller's byte budget: its Content-Length before it is read (so a
   * refused body is never read), or, sent without one, its size once read (at most `limitBytes`).
   */
  bodyBytes(limitBytes: number): Middleware {
    return async (ctx, next) => {
      if (this.bytes) {
        const declared = ctx.get('Content-Length');
        if (declared !== '') take(this.bytes, ctx, Math.min(limitBytes, Number(declared) || 0));
        else (ctx.state as BodyReadState).onBodyRead = (bytes) => take(this.bytes, ctx, bytes);
      }
      await next();
    };
  }
}

function take(limit: Limit | undefined, ctx: Context, cost: number): void {
  if (!limit) return;
  const grants = (ctx.state as Partial<AuthState>).grants;
  const client = grants?.authenticated ? `credential:${grants.principal}` : `address:${ctx.ip}`;
  const taken = limit.buckets.take(client, cost);
  if (!taken.ok) {
    throw new AppError('rate_limited', `this client may send ${limit.rate} ${limit.unit} per second (bursts of ${limit.burst}); retry after ${taken.retryAfterSeconds} s`, {
      headers: { 'Retry-After': String(taken.retryAfterSeconds) },
    });
  }
}
