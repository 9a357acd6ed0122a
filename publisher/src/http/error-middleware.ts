import type { Logger } from '@pubsub-ingest/common';
import type { Context, Next } from 'koa';
import { AppError } from './app-error';

function send(ctx: Context, error: AppError): void {
  ctx.status = error.status;
  for (const [name, value] of Object.entries(error.options.headers ?? {})) ctx.set(name, value);
  ctx.set('Cache-Control', 'no-store');
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.options.details !== undefined) body.details = error.options.details;
  ctx.body = { error: body };
}

/**
 * Turns every failure into the JSON error shape. Registered first, so it also covers unknown
 * routes and methods; anything unexpected is logged and answered 500 without internals.
 */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        send(ctx, new AppError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`));
      } else if (ctx.status === 405 && ctx.body === undefined) {
        send(ctx, new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, {
          headers: { Allow: String(ctx.response.get('Allow')) },
        }));
      }
    } catch (err) {
      if (err instanceof AppError) {
        send(ctx, err);
        return;
      }
      logger.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error');
      send(ctx, new AppError(500, 'internal_error', 'internal error'));
    }
  };
}
