import { createHash } from 'node:crypto';
import Router from '@koa/router';
import { findRecordById, isTransactionId, type StoredRecordText } from '@pubsub-ingest/common';
import type { Pool } from 'pg';
import { AppError, errors } from '../http/app-error';
import type { RequestTelemetryState } from '../http/request-telemetry';
import { missingRecordLookup } from './missing-record';

/** Builds the response text around the stored JSON, which passes through without being parsed. */
function recordJson(record: StoredRecordText): string {
  return (
    `{"transaction_id":${JSON.stringify(record.transaction_id)}` +
    `,"topic":${JSON.stringify(record.topic)}` +
    `,"message":${record.message}` +
    `,"attributes":${record.attributes}` +
    `,"published_at":${JSON.stringify(record.published_at.toISOString())}` +
    `,"received_at":${JSON.stringify(record.received_at.toISOString())}}`
  );
}

export function recordsRouter({ pool, clock }: { pool: Pool; clock: () => Date }): Router {
  const router = new Router();

  router.get('/data/:id', async (ctx) => {
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
    if (!record) {
      const lookup = await missingRecordLookup(pool, id.toLowerCase(), clock());
      throw new AppError('not_found', lookup.message, { lookup: lookup.body });
    }

    const body = recordJson(record);
    // Records never change, so the representation's hash is a strong validator forever.
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    ctx.set('ETag', etag);
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
