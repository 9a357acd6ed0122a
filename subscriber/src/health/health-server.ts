import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  registry: Registry;
  /** Resolves when the service can do its work (with a reason when only in part, degraded); rejects with the reason when it cannot. */
  ready: () => Promise<string | undefined | void>;
}

/** A small listener for the kubelet and Prometheus: `/healthz`, `/readyz`, `/metrics`. */
export function createHealthServer({ registry, ready }: HealthServerOptions): Server {
  return createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, JSON.stringify({ error: { code: 'method_not_allowed', message: 'use GET' } }));
    switch (path) {
      case '/healthz':
        return send(200, JSON.stringify({ status: 'ok' }));
      case '/readyz':
        return void ready().then(
          (degraded) => send(200, JSON.stringify(degraded ? { status: 'degraded', reason: degraded } : { status: 'ok' })),
          (err: Error) => send(503, JSON.stringify({ status: 'unavailable', reason: err.message })),
        );
      case '/metrics':
        return void registry.metrics().then((text) => send(200, text, registry.contentType));
      default:
        return send(404, JSON.stringify({ error: { code: 'not_found', message: `no route for ${path}` } }));
    }
  });
}
