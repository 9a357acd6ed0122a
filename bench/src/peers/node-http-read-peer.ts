import { createServer, type ServerResponse } from 'node:http';
import { findRecordById, isTransactionId, storedRecordEtag, storedRecordJson } from '@pubsub-ingest/common';
import { Pool } from 'pg';
import { intEnv, report, requiredEnv } from './peer-env';

/**
 * The `node_http` read peer: GET /data/:id on a bare `node:http` server and a `pg` pool of the
 * publisher's size, with the publisher's query (the same named statement) and its answers — the
 * same body, ETag and headers, 400 for an id that is not a UUID, 404 for a missing record — but
 * no framework, router, metrics or request log.
 */
const JSON_TYPE = 'application/json; charset=utf-8';
const PATH_PREFIX = '/data/';

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

function main(): void {
  const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL'), max: intEnv('DATABASE_POOL_SIZE', 8), application_name: 'pubsub-ingest-bench-node-http' });
  pool.on('error', (err) => console.error(`idle connection failed: ${err.message}`));

  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(PATH_PREFIX)) return sendError(res, 404, 'not_found', `no route for ${req.method} ${url}`);
    const id = url.slice(PATH_PREFIX.length);
    if (!isTransactionId(id)) return sendError(res, 400, 'invalid_id', 'id must be a transaction id (a UUID)');
    findRecordById(pool, id.toLowerCase()).then(
      (record) => {
        if (!record) return sendError(res, 404, 'not_found', `no record with transaction id ${id.toLowerCase()}`);
        const body = storedRecordJson(record);
        const etag = storedRecordEtag(body);
        const headers = { ETag: etag, 'Cache-Control': 'public, max-age=31536000, immutable' };
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, headers);
          return res.end();
        }
        res.writeHead(200, { ...headers, 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      },
      () => sendError(res, 503, 'database_unavailable', 'records cannot be read right now; retry later'),
    );
  });
  server.listen(Number(requiredEnv('PORT')), '127.0.0.1', () => report({ ready: true }));

  const stop = () => server.close(() => void pool.end().finally(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
