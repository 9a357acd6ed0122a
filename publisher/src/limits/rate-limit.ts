import type { Context, Middleware } from 'koa';
import type { AuthState } from '../auth/authenticator';
import { AppError } from '../http/app-error';
import { TokenBuckets } from './token-buckets';

export interface RateLimitConfig {
  /** Messages per second per client; 0 turns the limit off. */
  RATE_LIMIT_MESSAGES_PER_SECOND: number;
  RATE_LIMIT_BURST: number;
  RATE_LIMIT_MAX_CLIENTS: number;
}

/**
 * Per-client limits on the publish and read routes, so one producer's flood cannot take the
 * capacity every other producer shares. A client is its credential when authenticated, else its
 * address. A refusal is 429 with Retry-After; the shared in-flight limit stays a 503.
 */
export class RateLimiter {
  private readonly buckets: TokenBuckets | undefined;

  constructor(
    private readonly config: RateLimitConfig,
    clock: () => Date,
  ) {
    this.buckets =
      config.RATE_LIMIT_MESSAGES_PER_SECOND > 0
        ? new TokenBuckets(
            { ratePerSecond: config.RATE_LIMIT_MESSAGES_PER_SECOND, burst: config.RATE_LIMIT_BURST, maxClients: config.RATE_LIMIT_MAX_CLIENTS },
            () => clock().getTime(),
          )
        : undefined;
  }

  /** Takes `messages` from the caller's bucket, or throws 429 rate_limited. */
  check(ctx: Context, messages: number): void {
    if (!this.buckets) return;
    const grants = (ctx.state as Partial<AuthState>).grants;
    const client = grants?.authenticated ? `credential:${grants.principal}` : `address:${ctx.ip}`;
    const taken = this.buckets.take(client, messages);
    if (!taken.ok) {
      const { RATE_LIMIT_MESSAGES_PER_SECOND: rate, RATE_LIMIT_BURST: burst } = this.config;
      throw new AppError('rate_limited', `this client may send ${rate} messages per second (bursts of ${burst}); retry after ${taken.retryAfterSeconds} s`, {
        headers: { 'Retry-After': String(taken.retryAfterSeconds) },
      });
    }
  }

  /** For routes whose cost is known before the body: one message. */
  perRequest(): Middleware {
    return async (ctx, next) => {
      this.check(ctx, 1);
      await next();
    };
  }
}
