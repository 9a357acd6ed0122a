import type { Logger } from '@pubsub-ingest/common';
import type { Context, Next } from 'koa';
import { AppError } from './app-error';

function send(ctx: Context, error: AppError): void {
  ctx.status = error.status;
  for (const [name, value] of Object.entries(error.options.headers ?? {})) ctx.set(name, value);
  ctx.set('Cache-Control', 'no-store');
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.options.details !== undefined) body.details = error.options.details;
  if (error.options.lookup !== undefined) body.lookup = error.options.lookup;
  ctx.body = { error: body };
}

/**
 * Turns every failure into the JSON error shape. Registered first, so it also covers unknown
 * routes and methods (the router's 501 for a method it does not implement, such as TRACE, becomes
 * a 405 with Allow, or a 404 where no route matches); anything unexpected is logged and answered
 * 500 without internals.
 */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.body !== undefined && ctx.body !== null) return;
      const allow = String(ctx.response.get('Allow') ?? '');
      if (ctx.status === 404 || (ctx.status === 501 && allow === '')) {
        send(ctx, new AppError('not_found', `no route for ${ctx.method} ${ctx.path}`));
      } else if (ctx.status === 405 || ctx.status === 501) {
        send(ctx, new AppError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, { headers: { Allow: allow } }));
      }
    } catch (err) {
      if (err instanceof AppError) {
        send(ctx, err);
        return;
      }
      logger.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error');
      send(ctx, new AppError('internal_error', 'internal error'));
    }
  };
}
