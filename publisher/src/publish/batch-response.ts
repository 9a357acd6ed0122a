import type { Context } from 'koa';
import { AppError } from '../http/app-error';

export interface AcceptedItem {
  index: number;
  status: 202;
  transaction_id: string;
}

export interface RefusedItem {
  index: number;
  status: number;
  error: { code: string; message: string; details?: { field: string; message: string }[] };
  retry_after_seconds?: number;
}

export type ItemResult = AcceptedItem | RefusedItem;

/** An item answered with the error a single request would have got (its Retry-After as a field). */
export function refusedItem(index: number, error: AppError): RefusedItem {
  const retryAfter = error.options.headers?.['Retry-After'];
  return {
    index,
    status: error.status,
    error: { code: error.code, message: error.message, ...(error.options.details ? { details: error.options.details } : {}) },
    ...(retryAfter !== undefined ? { retry_after_seconds: Number(retryAfter) } : {}),
  };
}

/**
 * Answers a batch so that no client can mistake a refusal for success: 202 only when every item was
 * accepted, 207 when some were, and when none was, the status a single request would get — 503 with
 * Retry-After if any item may succeed later, else 422 `batch_refused`. The items say which is which.
 */
export function answerBatch(ctx: Context, items: ItemResult[]): void {
  const refused = items.filter((item): item is RefusedItem => item.status !== 202);
  const body: Record<string, unknown> = { accepted: items.length - refused.length, refused: refused.length, items };
  ctx.set('Cache-Control', 'no-store');
  if (refused.length === 0) {
    ctx.status = 202;
  } else if (refused.length < items.length) {
    ctx.status = 207;
  } else {
    // Only an unavailable dependency carries a Retry-After, and every such refusal is a 503.
    const retryable = refused.filter((item) => item.retry_after_seconds !== undefined);
    const first = retryable[0];
    if (first) {
      ctx.status = 503;
      ctx.set('Retry-After', String(Math.max(...retryable.map((item) => item.retry_after_seconds!))));
      body.error = { code: first.error.code, message: `no item was accepted: ${first.error.message}` };
    } else {
      const refusal = new AppError('batch_refused', 'no item was accepted; each item says why');
      ctx.status = refusal.status;
      body.error = { code: refusal.code, message: refusal.message };
    }
  }
  ctx.body = body;
}
