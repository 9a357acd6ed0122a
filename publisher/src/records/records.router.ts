import Router from '@koa/router';
import { findRecordById, isTransactionId, storedRecordEtag, storedRecordJson, type StoredRecordText } from '@pubsub-ingest/common';
import type { Middleware } from 'koa';
import type { Pool } from 'pg';
import type { AuthState } from '../auth/authenticator';
import type { RateLimiter } from '../limits/rate-limit';
import { AppError, errors } from '../http/app-error';
import type { RequestTelemetryState } from '../http/request-telemetry';
import { missingRecordLookup } from './missing-record';

export function recordsRouter({ pool, clock, authenticate, rateLimiter }: { pool: Pool; clock: () => Date; authenticate: Middleware; rateLimiter: RateLimiter }): Router {
  const router = new Router();

  router.get('/data/:id', authenticate, rateLimiter.perRequest(), async (ctx) => {
    const id = ctx.params.id ?? '';
    if (!isTransactionId(id)) {
      throw new AppError('invalid_id', 'id must be a transaction id (a UUID)');
    }
    (ctx.state as RequestTelemetryState).transactionId = id.toLowerCase();
    let record: StoredRecordText | undefined;
    try {
      record = await findRecordById(pool, id.toLowerCase());
    } catch {
      throw errors.unavailable('database_unavailable', 'records cannot be read right now; retry later', 2);
    }
    // A record of a topic the caller may not read is answered exactly as one never stored, so ids reveal nothing.
    if (!record || !(ctx.state as AuthState).grants.canRead(record.topic)) {
      const lookup = await missingRecordLookup(pool, id.toLowerCase(), clock());
      throw new AppError('not_found', lookup.message, { lookup: lookup.body });
    }

    const body = storedRecordJson(record);
    ctx.set('ETag', storedRecordEtag(body));
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/json';
    ctx.body = body;
  });

  return router;
}
