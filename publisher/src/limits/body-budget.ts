import type { Middleware } from 'koa';
import { Gauge, type Registry } from 'prom-client';
import { errors } from '../http/app-error';

/**
 * Bounds the request bodies the publisher holds at once, in bytes, so memory stays bounded whatever
 * a flood sends: each body limit times the connections would otherwise be the only bound. A request
 * reserves its Content-Length (its route's limit when it has none) before its body is read and
 * keeps it until it is answered, since the message lives until SNS acknowledges it. Over the budget
 * the answer is 503 overloaded with Retry-After, and the body is never read.
 */
export class BodyBudget {
  private reserved = 0;
  private readonly gauge: Gauge;

  constructor(
    readonly maxBytes: number,
    registry: Registry,
  ) {
    this.gauge = new Gauge({
      name: 'http_request_body_bytes_reserved',
      help: 'Request body bytes reserved by the requests being answered; above HTTP_MAX_BODY_BYTES_IN_FLIGHT a request is answered 503 overloaded.',
      registers: [registry],
    });
  }

  get reservedBytes(): number {
    return this.reserved;
  }

  /** Middleware for a route whose bodies are at most `limitBytes`; it goes after authentication, so strangers reserve nothing. */
  reserve(limitBytes: number): Middleware {
    return async (ctx, next) => {
      const bytes = Math.min(limitBytes, declaredLength(ctx.get('Content-Length')) ?? limitBytes);
      if (this.reserved + bytes > this.maxBytes) {
        throw errors.unavailable('overloaded', 'the publisher is reading as many request bodies as it may hold; retry shortly', 1);
      }
      this.reserved += bytes;
      this.gauge.set(this.reserved);
      try {
        await next();
      } finally {
        this.reserved -= bytes;
        this.gauge.set(this.reserved);
      }
    };
  }
}

/** A Content-Length Node has already checked is digits only; absent (chunked) is undefined. */
function declaredLength(header: string): number | undefined {
  if (header === '') return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
